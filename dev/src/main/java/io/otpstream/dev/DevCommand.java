package io.otpstream.dev;

import io.otpstream.dev.local.DevMode;
import io.otpstream.launcher.config.Checked;
import io.otpstream.launcher.config.ReadsEnvironment;
import io.otpstream.processor.ProcessorService;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code otpstream dev}: the whole service locally, in one process. Its embedded broker is plain
 * text on the loopback interface, so the Kafka client settings of the services do not apply here.
 */
@Command(
    name = "dev",
    mixinStandardHelpOptions = true,
    description =
        "Run everything locally: embedded Kafka, processor, dispatchers (outbox) and api.")
public final class DevCommand implements Callable<Integer>, ReadsEnvironment {
  @Option(
      names = "--data-dir",
      defaultValue = ".otpstream",
      description = "Data folder (default: ${DEFAULT-VALUE}).")
  Path dataDir;

  @Option(
      names = {"--http-port", "--port"},
      converter = Checked.Port.class,
      defaultValue = "8080",
      description = "HTTP port (default: ${DEFAULT-VALUE}).")
  int port;

  @Option(
      names = "--kafka-port",
      converter = Checked.Port.class,
      defaultValue = "19092",
      description =
          "Embedded Kafka port; the controller uses the next one (default: ${DEFAULT-VALUE}).")
  int kafkaPort;

  @Override
  public List<String> variables() {
    // DevMode reads the secret when one is given (else it keeps its own in the data folder)
    return List.of(
        "OTP_SECRET",
        ProcessorService.COMMIT_INTERVAL_VARIABLE,
        ProcessorService.STREAM_THREADS_VARIABLE);
  }

  @Override
  public Integer call() throws Exception {
    new DevMode(dataDir, port, kafkaPort).run();
    return 0;
  }
}
