package io.otpstream.launcher.service;

import io.otpstream.api.ApiServer;
import io.otpstream.api.address.ClientAddresses;
import io.otpstream.api.health.HealthChecks;
import io.otpstream.common.kafka.KafkaSettings;
import io.otpstream.common.metrics.ServiceMetrics;
import io.otpstream.common.secret.Secrets;
import io.otpstream.common.settings.SettingException;
import io.otpstream.launcher.config.Checked;
import io.otpstream.launcher.config.Environment;
import io.otpstream.launcher.config.ReadsEnvironment;
import io.otpstream.launcher.ops.GracefulStop;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code otpstream api}: the HTTP api, one instance per reply partition. */
@Command(name = "api", mixinStandardHelpOptions = true, description = "Run the HTTP api.")
public final class ApiCommand implements Callable<Integer>, ReadsEnvironment {
  @ParentCommand Environment main;

  @Mixin ServiceOptions service;

  @Option(names = "--http-host", description = "Address to listen on (default: all interfaces).")
  String httpHost;

  @Option(
      names = "--http-port",
      converter = Checked.Port.class,
      defaultValue = "8080",
      description = "HTTP port (default: ${DEFAULT-VALUE}).")
  int httpPort;

  @Option(
      names = "--reply-partition",
      converter = Checked.NonNegative.class,
      defaultValue = "0",
      description =
          "This instance's partition of the reply topic; each instance needs its own"
              + " (default: ${DEFAULT-VALUE}).")
  int replyPartition;

  @Option(
      names = "--decision-timeout-ms",
      converter = Checked.Positive.class,
      defaultValue = "5000",
      description =
          "How long a request waits for the processor's decision (default: ${DEFAULT-VALUE}).")
  int decisionTimeoutMs;

  @Option(
      names = "--trust-forwarded-for",
      converter = Checked.Bool.class,
      arity = "0..1",
      defaultValue = "false",
      description =
          "Behind one trusted proxy: count the last X-Forwarded-For address (default: ${DEFAULT-VALUE}).")
  boolean trustForwardedFor;

  @Option(
      names = "--ipv6-prefix-length",
      converter = Checked.Ipv6Prefix.class,
      defaultValue = "" + ClientAddresses.DEFAULT_IPV6_PREFIX,
      description =
          "Per-IP limits count an IPv6 client by this prefix (default: ${DEFAULT-VALUE}).")
  int ipv6PrefixLength;

  @Option(
      names = "--webhook-allow-private",
      converter = Checked.Bool.class,
      arity = "0..1",
      defaultValue = "false",
      description =
          "Accept webhook URLs on loopback, link-local and private addresses, and http ones: for"
              + " development only (default: ${DEFAULT-VALUE}).")
  boolean webhookAllowPrivate;

  @Option(
      names = "--drain-ms",
      converter = Checked.StopMillis.class,
      defaultValue = "" + GracefulStop.DEFAULT_DRAIN_MS,
      description =
          "On SIGTERM, how long the api answers not-ready while still serving, before it stops"
              + " (default: ${DEFAULT-VALUE}).")
  int drainMs;

  @Override
  public List<String> variables() {
    return Services.COMMON;
  }

  @Override
  public Integer call() throws Exception {
    KafkaSettings kafka = Services.kafka(main.env());
    Secrets secrets = Services.secrets(main.env());
    KafkaCheck check = Services.check(kafka, service.kafkaWaitMs);
    Services.start(check, main.env());
    int partitions = check.replyPartitions();
    if (replyPartition >= partitions) {
      throw new SettingException(
          "OTP_REPLY_PARTITION",
          "OTP_REPLY_PARTITION (--reply-partition) must be from 0 to "
              + (partitions - 1)
              + " (the partitions of "
              + kafka.topics().replies.name()
              + "), not "
              + replyPartition);
    }
    ServiceMetrics metrics = new ServiceMetrics("api");
    ApiServer api =
        new ApiServer(
                new ApiServer.Config(
                    kafka,
                    httpHost,
                    httpPort,
                    replyPartition,
                    Duration.ofMillis(decisionTimeoutMs),
                    trustForwardedFor,
                    ipv6PrefixLength,
                    List.of(),
                    webhookAllowPrivate),
                secrets,
                HealthChecks.none(),
                HealthChecks.none(),
                metrics)
            .start();
    return GracefulStop.runUntilStopped(
        service.stopTimeout(), GracefulStop.drain(api, Duration.ofMillis(drainMs)), api, metrics);
  }
}
