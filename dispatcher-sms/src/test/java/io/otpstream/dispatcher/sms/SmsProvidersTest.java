package io.otpstream.dispatcher.sms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.otpstream.dispatcher.provider.FallbackProvider;
import io.otpstream.dispatcher.provider.FallbackProvider.CircuitState;
import io.otpstream.dispatcher.provider.OutgoingMessage;
import io.otpstream.dispatcher.provider.Sent;
import io.otpstream.dispatcher.sms.http.HttpSmsProviderTest.StubSmsServer;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The SMS providers the environment names, and their fallback pair's circuit as the environment
 * sets it.
 */
class SmsProvidersTest {
  private StubSmsServer primaryServer;
  private StubSmsServer fallbackServer;

  @BeforeEach
  void start() throws Exception {
    primaryServer = StubSmsServer.start();
    fallbackServer = StubSmsServer.start();
    primaryServer.reply(503, "{}");
    fallbackServer.reply(200, "{\"id\":\"f-1\"}");
  }

  @AfterEach
  void stop() {
    primaryServer.close();
    fallbackServer.close();
  }

  private FallbackProvider pair(Map<String, String> extra) {
    Map<String, String> env =
        new HashMap<>(
            Map.of(
                "OTP_SMS_PROVIDER",
                "http",
                "OTP_SMS_HTTP_URL",
                primaryServer.url("/sms"),
                "OTP_SMS_FALLBACK",
                "http",
                "OTP_SMS_FALLBACK_HTTP_URL",
                fallbackServer.url("/sms")));
    env.putAll(extra);
    return assertInstanceOf(FallbackProvider.class, SmsProviders.fromEnv(env, Clock.systemUTC()));
  }

  private static OutgoingMessage message(int n) {
    return new OutgoingMessage(
        "delivery-" + n, "session-" + n, "+15550100", "Acme", null, "code 123456", null);
  }

  @Test
  void by_default_three_transient_failures_of_the_primary_in_a_row_open_its_circuit()
      throws Exception {
    try (FallbackProvider provider = pair(Map.of())) {
      for (int i = 1; i <= 2; i++) {
        assertEquals(new Sent("http-fallback", "f-1"), provider.send(message(i)));
        assertEquals(CircuitState.CLOSED, provider.circuitState(), "after " + i + " failures");
      }
      provider.send(message(3));
      assertEquals(CircuitState.OPEN, provider.circuitState());
      provider.send(message(4));
      assertEquals(3, primaryServer.requests(), "skipped while open");
    }
  }

  @Test
  void the_environment_sets_how_many_failures_open_the_circuit() throws Exception {
    try (FallbackProvider provider =
        pair(Map.of("OTP_SMS_CIRCUIT_FAILURES", "1", "OTP_SMS_CIRCUIT_OPEN_MS", "600000"))) {
      assertEquals(new Sent("http-fallback", "f-1"), provider.send(message(1)));
      assertEquals(CircuitState.OPEN, provider.circuitState());
      assertEquals(new Sent("http-fallback", "f-1"), provider.send(message(2)));
      assertEquals(1, primaryServer.requests(), "skipped while open");
    }
  }
}
