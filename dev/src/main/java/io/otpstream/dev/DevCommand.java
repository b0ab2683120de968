package io.otpstream.dev;

import io.otpstream.dev.local.DevMode;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code otpstream dev}: the whole service locally, in one process. */
@Command(
    name = "dev",
    mixinStandardHelpOptions = true,
    description =
        "Run everything locally: embedded Kafka, processor, dispatchers (outbox) and api.")
final class DevCommand implements Callable<Integer> {
  @Option(names = "--data-dir", description = "Data folder (default: $OTP_DATA_DIR or .otpstream)")
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
