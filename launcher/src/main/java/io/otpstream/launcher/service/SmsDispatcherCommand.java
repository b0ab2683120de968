package io.otpstream.launcher.service;

import io.otpstream.dispatcher.delivery.DeliveryTuning;
import io.otpstream.dispatcher.sms.SmsDispatcher;
import io.otpstream.dispatcher.sms.SmsProviders;
import io.otpstream.launcher.config.Environment;
import io.otpstream.launcher.config.ReadsEnvironment;
import java.util.ArrayList;
import java.util.List;
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
    return dispatcher.run(
        main.env(), "dispatcher-sms", TUNING, SmsProviders::fromEnv, SmsDispatcher::new);
  }
}
