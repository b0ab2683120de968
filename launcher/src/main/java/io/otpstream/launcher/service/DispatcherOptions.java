package io.otpstream.launcher.service;

import io.micrometer.core.instrument.MeterRegistry;
import io.otpstream.api.health.HealthChecks;
import io.otpstream.common.kafka.KafkaSettings;
import io.otpstream.common.metrics.ServiceMetrics;
import io.otpstream.common.secret.Secrets;
import io.otpstream.dispatcher.delivery.ChannelDispatcher;
import io.otpstream.dispatcher.delivery.DeliveryTuning;
import io.otpstream.dispatcher.provider.DeliveryProvider;
import io.otpstream.launcher.config.Checked;
import io.otpstream.launcher.ops.GracefulStop;
import io.otpstream.launcher.ops.OpsServer;
import java.time.Clock;
import java.util.Map;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Options of both dispatcher commands, and how a dispatcher runs. */
final class DispatcherOptions {
  /** A channel's providers, read from the environment. */
  interface Providers {
    DeliveryProvider fromEnv(Map<String, String> env, Clock clock);
  }

  /** A channel's dispatcher (its constructor). */
  interface Channel {
    ChannelDispatcher create(
        KafkaSettings kafka,
        Secrets secrets,
        DeliveryProvider provider,
        Clock clock,
        DeliveryTuning tuning,
        MeterRegistry registry);
  }

  @Mixin ServiceOptions service;

  @Option(
      names = "--health-port",
      converter = Checked.Port.class,
      defaultValue = "8081",
      description =
          "Port of /health/live, /health/ready and /metrics, 0 for any (default: ${DEFAULT-VALUE}).")
  int healthPort;

  /**
   * Reads the settings of the dispatcher {@code service} (tuning under {@code tuningPrefix}),
   * reaches the cluster, then serves until the process is stopped.
   */
  Integer run(
      Map<String, String> env,
      String service,
      String tuningPrefix,
      Providers providers,
      Channel channel)
      throws InterruptedException {
    KafkaSettings kafka = Services.kafka(env);
    Secrets secrets = Services.secrets(env);
    DeliveryTuning tuning = DeliveryTuning.fromEnv(env, tuningPrefix);
    DeliveryProvider provider = providers.fromEnv(env, Clock.systemUTC());
    Services.start(Services.check(kafka, this.service.kafkaWaitMs), env);
    ServiceMetrics metrics = new ServiceMetrics(service);
    return serve(
        channel.create(kafka, secrets, provider, Clock.systemUTC(), tuning, metrics.registry()),
        metrics);
  }

  /**
   * Starts a dispatcher with its health and metrics server and runs it until the process is
   * stopped.
   */
  private Integer serve(ChannelDispatcher d, ServiceMetrics metrics) throws InterruptedException {
    d.start();
    OpsServer ops =
        OpsServer.start(
            healthPort,
            HealthChecks.of("worker", d::alive),
            HealthChecks.of("consumer_joined", d::ready),
            metrics);
    return GracefulStop.runUntilStopped(service.stopTimeout(), d, ops, metrics);
  }
}
