package io.otpstream.launcher.service;

import io.javalin.Javalin;
import io.otpstream.dispatcher.delivery.ChannelDispatcher;
import io.otpstream.launcher.config.Checked;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Options of both dispatcher commands, and how a dispatcher runs. */
final class DispatcherOptions {
  @Mixin ServiceOptions service;

  @Option(
      names = "--health-port",
      converter = Checked.Port.class,
      defaultValue = "8081",
      description =
          "Port of /health/live and /health/ready, 0 for any (default: ${DEFAULT-VALUE}).")
  int healthPort;

  /** Starts a dispatcher with its health endpoint and runs it until the process is stopped. */
  Integer serve(ChannelDispatcher d) throws InterruptedException {
    d.start();
    Javalin health = Services.health(healthPort, d::alive);
    return Services.runUntilStopped(health::stop, d);
  }
}
