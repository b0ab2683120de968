package io.otpstream.dispatcher.email;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetupTest;
import io.otpstream.dispatcher.provider.FallbackProvider;
import io.otpstream.dispatcher.provider.FallbackProvider.CircuitState;
import io.otpstream.dispatcher.provider.OutgoingMessage;
import io.otpstream.dispatcher.provider.Sent;
import java.net.ServerSocket;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * SMTP as primary and fallback from the environment: a primary server that is down makes the
 * fallback deliver.
 */
class EmailProvidersTest {
  @RegisterExtension
  static final GreenMailExtension SMTP = new GreenMailExtension(ServerSetupTest.SMTP);

  @Test
  void a_primary_smtp_server_that_is_down_makes_the_fallback_server_deliver() throws Exception {
    int closed;
    try (ServerSocket s = new ServerSocket(0)) {
      closed = s.getLocalPort(); // nothing listens here once the socket is closed
    }
    FallbackProvider provider =
        assertInstanceOf(
            FallbackProvider.class,
            EmailProviders.fromEnv(
                Map.of(
                    "SMTP_HOST",
                    "127.0.0.1",
                    "SMTP_PORT",
                    Integer.toString(closed),
                    "OTP_EMAIL_FALLBACK",
                    "smtp",
                    "SMTP_FALLBACK_HOST",
                    "127.0.0.1",
                    "SMTP_FALLBACK_PORT",
                    Integer.toString(SMTP.getSmtp().getPort()),
                    "SMTP_FALLBACK_FROM",
                    "Acme <otp@acme.test>"),
                Clock.systemUTC()));
    for (int i = 0; i < 3; i++) {
      Sent sent =
          provider.send(
              new OutgoingMessage(
                  "d" + i,
                  "s",
                  "user" + i + "@example.com",
                  null,
                  "Your code",
                  "Your code is 123456",
                  "<p>123456</p>"));
      assertEquals("smtp-fallback", sent.providerName());
    }
    assertEquals(3, SMTP.getReceivedMessages().length);
    assertTrue(SMTP.getReceivedMessages()[0].getFrom()[0].toString().contains("otp@acme.test"));
    provider.close();
  }

  @Test
  void the_environment_sets_how_many_failures_open_the_primary_servers_circuit() throws Exception {
    int closed;
    try (ServerSocket s = new ServerSocket(0)) {
      closed = s.getLocalPort();
    }
    try (FallbackProvider provider =
        assertInstanceOf(
            FallbackProvider.class,
            EmailProviders.fromEnv(
                Map.of(
                    "SMTP_HOST",
                    "127.0.0.1",
                    "SMTP_PORT",
                    Integer.toString(closed),
                    "OTP_EMAIL_FALLBACK",
                    "smtp",
                    "SMTP_FALLBACK_HOST",
                    "127.0.0.1",
                    "SMTP_FALLBACK_PORT",
                    Integer.toString(SMTP.getSmtp().getPort()),
                    "SMTP_FALLBACK_FROM",
                    "Acme <otp@acme.test>",
                    "OTP_EMAIL_CIRCUIT_FAILURES",
                    "1",
                    "OTP_EMAIL_CIRCUIT_OPEN_MS",
                    "600000"),
                Clock.systemUTC()))) {
      assertEquals(CircuitState.CLOSED, provider.circuitState());
      provider.send(
          new OutgoingMessage(
              "d",
              "s",
              "user@example.com",
              null,
              "Your code",
              "Your code is 123456",
              "<p>123456</p>"));
      assertEquals(CircuitState.OPEN, provider.circuitState());
    }
  }
}
