package io.otpstream.launcher.service;

import io.otpstream.launcher.config.Checked;
import picocli.CommandLine.Option;

/** Options every service command has. */
final class ServiceOptions {
  @Option(
      names = "--kafka-wait-ms",
      converter = Checked.Positive.class,
      defaultValue = "60000",
      description = "How long to wait for the Kafka cluster at start (default: ${DEFAULT-VALUE}).")
  int kafkaWaitMs;
}
