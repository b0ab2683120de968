package io.otpstream.dev;

import io.otpstream.launcher.Main;

/**
 * The main class of {@code otpstream-dev.jar}, what {@code ./otpstream} runs: the production
 * command line ({@link Main}) plus {@code dev}. Only this jar holds the embedded Kafka broker and
 * its dependencies.
 */
public final class DevMain {
  private DevMain() {}

  public static void main(String[] args) {
    System.exit(Main.run(args, new DevCommand()));
  }
}
