package io.otpstream.e2e.delivery;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.otpstream.dispatcher.sms.smpp.SmppProvider;
import io.otpstream.dispatcher.sms.smpp.SmppSettings;
import java.time.Duration;
import java.util.Map;

/** An SMPP provider configured as the tests' FakeSmsc expects it (system id and password). */
final class FakeSmscLogin {
  private FakeSmscLogin() {}

  /** A provider for the FakeSmsc on {@code port}, binding in the background. */
  static SmppProvider provider(int port) {
    return new SmppProvider(
        SmppSettings.fromEnv(
            Map.of(
                "OTP_SMPP_HOST",
                "127.0.0.1",
                "OTP_SMPP_PORT",
                Integer.toString(port),
                "OTP_SMPP_SYSTEM_ID",
                "otpstream",
                "OTP_SMPP_PASSWORD",
                "s3cret")));
  }

  /** A provider for the FakeSmsc on {@code port}, once bound. */
  static SmppProvider bound(int port) throws InterruptedException {
    SmppProvider smpp = provider(port);
    assertTrue(smpp.awaitBound(Duration.ofSeconds(10)), "bound to the SMSC");
    return smpp;
  }
}
