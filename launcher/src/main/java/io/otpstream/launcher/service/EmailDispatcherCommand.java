package io.otpstream.launcher.service;

import io.otpstream.dispatcher.delivery.DeliveryTuning;
import io.otpstream.dispatcher.email.EmailDispatcher;
import io.otpstream.dispatcher.email.EmailProviders;
import io.otpstream.launcher.config.Environment;
import io.otpstream.launcher.config.ReadsEnvironment;
import java.util.ArrayList;
import java.util.List;
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
    return dispatcher.run(
        main.env(), "dispatcher-email", TUNING, EmailProviders::fromEnv, EmailDispatcher::new);
  }
}
