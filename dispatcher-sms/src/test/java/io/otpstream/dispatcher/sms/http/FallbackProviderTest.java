package io.otpstream.dispatcher.sms.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.type.TypeReference;
import io.otpstream.common.json.Json;
import io.otpstream.dispatcher.provider.DeliveryException;
import io.otpstream.dispatcher.provider.FallbackProvider;
import io.otpstream.dispatcher.provider.FallbackProvider.CircuitState;
import io.otpstream.dispatcher.provider.OutgoingMessage;
import io.otpstream.dispatcher.provider.Sent;
import io.otpstream.dispatcher.sms.http.HttpSmsProviderTest.StubSmsServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FallbackProviderTest {
  private static final String CODE = "720514";
  private static final String TEXT = "Your \"Acme\" code: " + CODE + "\nIt expires in 5 minutes.";

  /**
   * The circuit breaker lets a trial through once its open time has passed: this much after its
   * end.
   */
  private static final Duration PAST = Duration.ofMillis(1);

  private StubSmsServer primaryServer;
  private StubSmsServer fallbackServer;
  private final MutableClock clock = new MutableClock(Instant.parse("2030-01-01T00:00:00Z"));
  private FallbackProvider provider;

  @BeforeEach
  void start() throws IOException {
    primaryServer = StubSmsServer.start();
    fallbackServer = StubSmsServer.start();
    primaryServer.reply(200, "{\"id\":\"p-1\"}");
    fallbackServer.reply(200, "{\"id\":\"f-1\"}");
    provider =
        new FallbackProvider(
            http("primary-http", primaryServer.url("/sms")),
            http("fallback-http", fallbackServer.url("/sms")),
            3,
            Duration.ofSeconds(30),
            clock);
  }

  @AfterEach
  void stop() {
    provider.close();
    primaryServer.close();
    fallbackServer.close();
  }

  private static HttpSmsProvider http(String name, String url) {
    return new HttpSmsProvider(
        new HttpSmsSettings(URI.create(url), null, null, null, null, Duration.ofSeconds(5)), name);
  }

  private static OutgoingMessage message(int n) {
    return new OutgoingMessage(
        "delivery-" + n, "session-" + n, "+15550100", "Acme", null, TEXT, null);
  }

  private Sent send(int n) throws DeliveryException {
    return provider.send(message(n));
  }

  @Test
  void a_healthy_primary_sends_alone() throws Exception {
    assertEquals(new Sent("primary-http", "p-1"), send(1));
    assertEquals("p-1", provider.send(message(2)).messageId());
    assertEquals(2, primaryServer.requests());
    assertEquals(0, fallbackServer.requests());
    assertEquals("primary-http|fallback-http", provider.name());
  }

  @Test
  void a_permanent_refusal_by_the_primary_goes_to_the_fallback_without_opening_the_circuit()
      throws Exception {
    primaryServer.reply(400, "{\"error\":\"unsupported destination\"}");
    for (int i = 1; i <= 5; i++) {
      assertEquals(new Sent("fallback-http", "f-1"), send(i));
      Map<String, Object> body =
          Json.MAPPER.readValue(
              fallbackServer.take().body(), new TypeReference<Map<String, Object>>() {});
      assertEquals(Map.of("to", "+15550100", "from", "Acme", "text", TEXT), body);
    }
    assertEquals(5, primaryServer.requests()); // permanent failures do not open the circuit
    assertEquals(5, fallbackServer.requests());
    assertEquals(CircuitState.CLOSED, provider.circuitState());
  }

  @Test
  void three_transient_failures_open_the_circuit_until_the_cool_down_then_one_trial()
      throws Exception {
    primaryServer.reply(503, "{}");
    for (int i = 1; i <= 3; i++) {
      // closed circuit, transient failure: the fallback takes this very message
      assertEquals(new Sent("fallback-http", "f-1"), send(i));
      assertEquals(i, primaryServer.requests());
    }
    assertEquals(CircuitState.OPEN, provider.circuitState());

    for (int i = 4; i <= 6; i++) {
      assertEquals(new Sent("fallback-http", "f-1"), send(i));
    }
    clock.advance(Duration.ofSeconds(29));
    assertEquals(new Sent("fallback-http", "f-1"), send(7));
    assertEquals(3, primaryServer.requests()); // skipped while open
    assertEquals(7, fallbackServer.requests());

    clock.advance(Duration.ofSeconds(1).plus(PAST));
    assertEquals(CircuitState.HALF_OPEN, provider.circuitState());
    assertEquals(new Sent("fallback-http", "f-1"), send(8)); // the trial, still 503
    assertEquals(4, primaryServer.requests());
    assertEquals(CircuitState.OPEN, provider.circuitState()); // another cool-down
    assertEquals(new Sent("fallback-http", "f-1"), send(9));
    assertEquals(4, primaryServer.requests());

    clock.advance(Duration.ofSeconds(30).plus(PAST));
    primaryServer.reply(200, "{\"id\":\"p-2\"}");
    assertEquals(new Sent("primary-http", "p-2"), send(10)); // the trial succeeds
    assertEquals(CircuitState.CLOSED, provider.circuitState());
    assertEquals(new Sent("primary-http", "p-2"), send(11));
    assertEquals(6, primaryServer.requests());
    assertEquals(9, fallbackServer.requests());
  }

  @Test
  void only_one_trial_at_a_time_while_the_others_go_to_the_fallback() throws Exception {
    primaryServer.reply(503, "{}");
    for (int i = 1; i <= 3; i++) {
      send(i);
    }
    clock.advance(Duration.ofSeconds(30).plus(PAST));
    primaryServer.reply(200, "{\"id\":\"p-3\"}");
    primaryServer.forgetReceived();
    primaryServer.holdReplies();
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try {
      Future<Sent> trial = pool.submit(() -> send(100));
      primaryServer.take(); // the trial has reached the primary and waits for its answer
      assertEquals(new Sent("fallback-http", "f-1"), send(101));
      assertEquals(new Sent("fallback-http", "f-1"), send(102));
      assertEquals(4, primaryServer.requests());
      primaryServer.releaseReplies();
      assertEquals(new Sent("primary-http", "p-3"), trial.get(10, TimeUnit.SECONDS));
    } finally {
      pool.shutdownNow();
    }
    assertEquals(CircuitState.CLOSED, provider.circuitState());
    assertEquals(new Sent("primary-http", "p-3"), send(103));
    assertEquals(5, primaryServer.requests());
  }

  @Test
  void an_unreachable_primary_falls_back() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    try (FallbackProvider p =
        new FallbackProvider(
            http("dead", "http://127.0.0.1:" + port + "/sms"),
            http("fallback-http", fallbackServer.url("/sms")),
            clock)) {
      assertEquals(new Sent("fallback-http", "f-1"), p.send(message(1)));
      assertEquals(1, fallbackServer.requests());
    }
  }

  @ParameterizedTest(name = "primary {0}, fallback {1} -> permanent {2}")
  @CsvSource({
    "400, 400, true",
    "503, 400, false",
    "400, 503, false",
    "429, 500, false",
    "404, 422, true"
  })
  void when_both_fail_the_failure_is_permanent_only_if_both_were(
      int primaryStatus, int fallbackStatus, boolean permanent) {
    primaryServer.reply(primaryStatus, "{\"echo\":\"" + CODE + "\"}");
    fallbackServer.reply(fallbackStatus, "{\"echo\":\"" + CODE + "\"}");
    DeliveryException e = assertThrows(DeliveryException.class, () -> send(1));
    assertEquals(permanent, e.permanent());
    assertTrue(
        e.getMessage().contains("status " + primaryStatus)
            && e.getMessage().contains("status " + fallbackStatus),
        e.getMessage());
    assertFalse(e.getMessage().contains(CODE), e.getMessage());
    assertEquals(1, primaryServer.requests());
    assertEquals(1, fallbackServer.requests());
  }

  @Test
  void a_skipped_primary_makes_a_fallback_refusal_transient() throws Exception {
    primaryServer.reply(503, "{}");
    for (int i = 1; i <= 3; i++) {
      send(i);
    }
    fallbackServer.reply(400, "{}");
    DeliveryException e = assertThrows(DeliveryException.class, () -> send(4));
    assertFalse(e.permanent()); // the primary may take it once it is back
    assertTrue(e.getMessage().contains("skipped"), e.getMessage());
    assertEquals(3, primaryServer.requests());
    assertEquals(4, fallbackServer.requests());
  }

  /** A clock the test moves by hand. */
  static final class MutableClock extends Clock {
    private final AtomicReference<Instant> now;

    MutableClock(Instant start) {
      this.now = new AtomicReference<>(start);
    }

    void advance(Duration d) {
      now.updateAndGet(t -> t.plus(d));
    }

    @Override
    public Instant instant() {
      return now.get();
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }
  }
}
