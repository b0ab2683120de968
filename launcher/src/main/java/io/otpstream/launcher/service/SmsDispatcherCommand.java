package io.otpstream.launcher.service;

import io.otpstream.common.kafka.KafkaSettings;
import io.otpstream.common.metrics.ServiceMetrics;
import io.otpstream.common.secret.Secrets;
import io.otpstream.dispatcher.delivery.DeliveryTuning;
import io.otpstream.dispatcher.provider.DeliveryProvider;
import io.otpstream.dispatcher.sms.SmsDispatcher;
import io.otpstream.dispatcher.sms.SmsProviders;
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

/** {@code otpstream dispatcher-sms}: one SMS dispatcher; scale by starting more. */
@Command(
    name = "dispatcher-sms",
    mixinStandardHelpOptions = true,
    description = "Run an SMS dispatcher (providers: OTP_SMS_PROVIDER, see README).")
public final class SmsDispatcherCommand implements Callable<Integer>, ReadsEnvironment {
  private static final String TUNING = "OTP_SMS_";

  @ParentCommand Environment main;

  @Mixin DispatcherOptions dispatcher;

  @Override
  public List<String> variables() {
    List<String> all = new ArrayList<>(Services.COMMON);
    all.addAll(SmsProviders.variables());
    all.addAll(DeliveryTuning.variables(TUNING));
    return all;
  }

  @Override
  public Integer call() throws Exception {
    Map<String, String> env = main.env();
    KafkaSettings kafka = Services.kafka(env);
    Secrets secrets = Services.secrets(env);
    DeliveryTuning tuning = DeliveryTuning.fromEnv(env, TUNING);
    DeliveryProvider provider = SmsProviders.fromEnv(env, Clock.systemUTC());
    Services.start(Services.check(kafka, dispatcher.service.kafkaWaitMs), env);
    ServiceMetrics metrics = new ServiceMetrics("dispatcher-sms");
    return dispatcher.serve(
        new SmsDispatcher(kafka, secrets, provider, Clock.systemUTC(), tuning, metrics.registry()),
        metrics);
  }
}
