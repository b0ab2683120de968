package io.otpstream.launcher.service;

import io.otpstream.api.health.HealthChecks;
import io.otpstream.common.kafka.KafkaSettings;
import io.otpstream.common.metrics.ServiceMetrics;
import io.otpstream.common.secret.Secrets;
import io.otpstream.common.settings.Env;
import io.otpstream.dispatcher.delivery.DeliveryTuning;
import io.otpstream.dispatcher.webhook.WebhookDispatcher;
import io.otpstream.launcher.config.Checked;
import io.otpstream.launcher.config.Environment;
import io.otpstream.launcher.config.ReadsEnvironment;
import io.otpstream.launcher.ops.GracefulStop;
import io.otpstream.launcher.ops.OpsServer;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code otpstream dispatcher-webhook}: one webhook dispatcher; scale by starting more. */
@Command(
    name = "dispatcher-webhook",
    mixinStandardHelpOptions = true,
    description = "Run a webhook dispatcher (the apps' subscribed session events, signed).")
public final class WebhookDispatcherCommand implements Callable<Integer>, ReadsEnvironment {
  private static final String BACKOFF = "OTP_WEBHOOK_RETRY_BACKOFF_MS";
  private static final String ATTEMPTS = "OTP_WEBHOOK_MAX_ATTEMPTS";

  @ParentCommand Environment main;

  @Mixin ServiceOptions service;

  @Option(
      names = "--health-port",
      converter = Checked.Port.class,
      defaultValue = "8081",
      description =
          "Port of /health/live, /health/ready and /metrics, 0 for any (default: ${DEFAULT-VALUE}).")
  int healthPort;

  @Option(
      names = "--webhook-allow-private",
      converter = Checked.Bool.class,
      arity = "0..1",
      defaultValue = "false",
      description =
          "Post to loopback, link-local and private addresses, and over http: for development only"
              + " (default: ${DEFAULT-VALUE}).")
  boolean allowPrivate;

  @Override
  public List<String> variables() {
    List<String> all = new ArrayList<>(Services.COMMON);
    all.addAll(List.of(BACKOFF, ATTEMPTS));
    return all;
  }

  @Override
  public Integer call() throws Exception {
    KafkaSettings kafka = Services.kafka(main.env());
    Secrets secrets = Services.secrets(main.env());
    DeliveryTuning defaults = DeliveryTuning.defaults();
    // one post at a time per instance: the in-flight and rate settings of the channels do not apply
    DeliveryTuning tuning =
        new DeliveryTuning(
            Duration.ofMillis(
                Env.integer(
                    main.env(),
                    BACKOFF,
                    (int) defaults.retryBackoff().toMillis(),
                    1,
                    Integer.MAX_VALUE)),
            Env.integer(main.env(), ATTEMPTS, defaults.maxAttempts(), 1, Integer.MAX_VALUE),
            1,
            defaults.ratePerSecond());
    Services.start(Services.check(kafka, service.kafkaWaitMs), main.env());
    ServiceMetrics metrics = new ServiceMetrics("dispatcher-webhook");
    WebhookDispatcher d =
        new WebhookDispatcher(
            kafka, secrets, Clock.systemUTC(), tuning, allowPrivate, metrics.registry());
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
