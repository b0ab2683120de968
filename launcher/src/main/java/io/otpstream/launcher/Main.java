package io.otpstream.launcher;

import io.otpstream.launcher.dev.DevMode;
import io.otpstream.launcher.logs.LogFormat;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The {@code otpstream} command line. */
@Command(
    name = "otpstream",
    mixinStandardHelpOptions = true,
    version = "otpstream 0.1.0",
    description = "Self-hosted one-time-password service on Apache Kafka.",
    subcommands = {
      Main.Dev.class,
      ServiceCommands.Api.class,
      ServiceCommands.Processor.class,
      ServiceCommands.SmsDispatcherCommand.class,
      ServiceCommands.EmailDispatcherCommand.class
    })
public final class Main implements Callable<Integer> {

  /**
   * Avro 1.12 deserializes only into classes of trusted packages; ours are generated in
   * io.otpstream.
   */
  static final String AVRO_TRUSTED = "org.apache.avro.SERIALIZABLE_PACKAGES";

  public static void main(String[] args) {
    try {
      LogFormat.use(LogFormat.of(args, System.getenv()));
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.exit(2);
    }
    if (System.getProperty(AVRO_TRUSTED) == null) {
      System.setProperty(
          AVRO_TRUSTED, "java.lang,java.math,java.io,java.net,org.apache.avro.util,io.otpstream");
    }
    System.exit(new CommandLine(new Main()).execute(args));
  }

  @Override
  public Integer call() {
    new CommandLine(this).usage(System.out);
    return 0;
  }

  /** The whole service locally, in one process. */
  @Command(
      name = "dev",
      description =
          "Run everything locally: embedded Kafka, processor, dispatchers (outbox) and api.")
  static final class Dev implements Callable<Integer> {
    @Option(
        names = "--data-dir",
        description = "Data folder (default: $OTP_DATA_DIR or .otpstream)")
    Path dataDir = Path.of(System.getenv().getOrDefault("OTP_DATA_DIR", ".otpstream"));

    @Option(names = "--port", description = "HTTP port (default: $OTP_HTTP_PORT or 8080)")
    int port = Integer.parseInt(System.getenv().getOrDefault("OTP_HTTP_PORT", "8080"));

    @Option(
        names = "--kafka-port",
        description =
            "Embedded Kafka port; the controller uses the next one (default: $OTP_KAFKA_PORT or 19092)")
    int kafkaPort = Integer.parseInt(System.getenv().getOrDefault("OTP_KAFKA_PORT", "19092"));

    @Override
    public Integer call() throws Exception {
      new DevMode(dataDir, port, kafkaPort).run();
      return 0;
    }
  }
}
