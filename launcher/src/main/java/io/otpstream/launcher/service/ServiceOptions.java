package io.otpstream.launcher.service;

import io.otpstream.launcher.config.Checked;
import io.otpstream.launcher.ops.GracefulStop;
import java.time.Duration;
import picocli.CommandLine.Option;

/** Options every service command has. */
final class ServiceOptions {
  @Option(
      names = "--kafka-wait-ms",
      converter = Checked.Positive.class,
      defaultValue = "60000",
      description = "How long to wait for the Kafka cluster at start (default: ${DEFAULT-VALUE}).")
  int kafkaWaitMs;

  @Option(
      names = "--stop-timeout-ms",
      converter = Checked.StopMillis.class,
      defaultValue = "" + GracefulStop.DEFAULT_STOP_TIMEOUT_MS,
      description =
          "On SIGTERM, the time the service has to close before the JVM halts"
              + " (default: ${DEFAULT-VALUE}); give the orchestrator a longer grace period.")
  int stopTimeoutMs;

  Duration stopTimeout() {
    return Duration.ofMillis(stopTimeoutMs);
  }
}
