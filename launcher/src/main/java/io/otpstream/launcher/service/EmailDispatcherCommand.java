package io.otpstream.launcher.service;

import io.otpstream.common.kafka.KafkaSettings;
import io.otpstream.common.metrics.ServiceMetrics;
import io.otpstream.common.secret.Secrets;
import io.otpstream.dispatcher.delivery.DeliveryTuning;
import io.otpstream.dispatcher.email.EmailDispatcher;
import io.otpstream.dispatcher.email.EmailProviders;
import io.otpstream.dispatcher.provider.DeliveryProvider;
import io.otpstream.launcher.config.Environment;
import io.otpstream.launcher.config.ReadsEnvironment;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParentCommand;

/** {@code otpstream dispatcher-email}: one email dispatcher; scale by starting more. */
@Command(
    name = "dispatcher-email",
    mixinStandardHelpOptions = true,
    description = "Run an email dispatcher (providers: SMTP_HOST, see README).")
public final class EmailDispatcherCommand implements Callable<Integer>, ReadsEnvironment {
  private static final String TUNING = "OTP_EMAIL_";

  @ParentCommand Environment main;

  @Mixin DispatcherOptions dispatcher;

  @Override
  public List<String> variables() {
    List<String> all = new ArrayList<>(Services.COMMON);
    all.addAll(EmailProviders.variables());
    all.addAll(DeliveryTuning.variables(TUNING));
    return all;
  }

  @Override
  public Integer call() throws Exception {
    Map<String, String> env = main.env();
    KafkaSettings kafka = Services.kafka(env);
    Secrets secrets = Services.secrets(env);
    DeliveryTuning tuning = DeliveryTuning.fromEnv(env, TUNING);
    DeliveryProvider provider = EmailProviders.fromEnv(env, Clock.systemUTC());
    Services.start(Services.check(kafka, dispatcher.service.kafkaWaitMs), env);
    ServiceMetrics metrics = new ServiceMetrics("dispatcher-email");
    return dispatcher.serve(
        new EmailDispatcher(
            kafka, secrets, provider, Clock.systemUTC(), tuning, metrics.registry()),
        metrics);
  }
}
