package io.otpstream.dispatcher.sms.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.type.TypeReference;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.otpstream.common.json.Json;
import io.otpstream.dispatcher.provider.DeliveryException;
import io.otpstream.dispatcher.provider.OutgoingMessage;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

public class HttpSmsProviderTest {
  static final String CODE = "493817";

  /** A quote and a newline, which must survive as JSON string content. */
  static final String TEXT = "Your \"Acme\" code is " + CODE + "\nDo not share it \\ ever.";

  private StubSmsServer server;

  @BeforeEach
  void start() throws IOException {
    server = StubSmsServer.start();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  static OutgoingMessage message(String deliveryId) {
    return new OutgoingMessage(deliveryId, "session-1", "+15550100", "Acme", null, TEXT, null);
  }

  private HttpSmsProvider provider(String... extra) {
    Map<String, String> env = new HashMap<>();
    env.put("SMS_URL", server.url("/v1/sms"));
    for (int i = 0; i < extra.length; i += 2) {
      env.put("SMS_" + extra[i], extra[i + 1]);
    }
    return new HttpSmsProvider(HttpSmsSettings.fromEnv(env, "SMS_"));
  }

  private static Map<String, Object> json(String body) throws IOException {
    return Json.MAPPER.readValue(body, new TypeReference<Map<String, Object>>() {});
  }

  @Test
  void posts_the_exact_json_with_the_auth_header_and_returns_the_id() throws Exception {
    server.reply(200, "{\"id\":\"abc\",\"status\":\"queued\"}");
    HttpSmsProvider p = provider("AUTH_HEADER", "Authorization: Bearer s3cret-token");

    assertEquals("abc", p.send(message("d-1")).messageId());

    StubSmsServer.Received r = server.take();
    assertEquals("POST", r.method());
    assertEquals("/v1/sms", r.path());
    assertEquals("Bearer s3cret-token", r.headers().getFirst("Authorization"));
    assertEquals("application/json", r.headers().getFirst("Content-Type"));
    assertEquals(Map.of("to", "+15550100", "from", "Acme", "text", TEXT), json(r.body()));
    assertEquals(1, server.requests());
    assertEquals("http", p.name());
  }

  @Test
  void custom_template_carries_the_delivery_id_and_reads_the_id_by_pointer() throws Exception {
    server.reply(202, "{\"messages\":[{\"id\":\"m-77\"}]}");
    HttpSmsProvider p =
        provider(
            "BODY_TEMPLATE",
            "{\"messages\":[{\"destination\":\"{{to}}\",\"sender\":\"{{ from }}\","
                + "\"content\":{\"body\":\"Code: {{text}}\"},\"reference\":\"{{message_id}}\"}]}",
            "MESSAGE_ID_FIELD",
            "/messages/0/id");

    assertEquals("m-77", p.send(message("delivery-42")).messageId());

    Map<String, Object> sent = json(server.take().body());
    assertEquals(
        Map.of(
            "messages",
            java.util.List.of(
                Map.of(
                    "destination",
                    "+15550100",
                    "sender",
                    "Acme",
                    "content",
                    Map.of("body", "Code: " + TEXT),
                    "reference",
                    "delivery-42"))),
        sent);
  }

  @Test
  void a_value_is_not_expanded_again_and_a_null_sender_is_empty() throws Exception {
    HttpSmsProvider p = provider();
    p.send(new OutgoingMessage("d-2", "s", "+15550101", null, null, "{{to}} {{message_id}}", null));
    assertEquals(
        Map.of("to", "+15550101", "from", "", "text", "{{to}} {{message_id}}"),
        json(server.take().body()));
  }

  @Test
  void an_accepted_message_without_an_id_has_a_null_id() throws Exception {
    HttpSmsProvider p = provider("MESSAGE_ID_FIELD", "sid");
    server.reply(200, "{\"id\":\"not-this-field\"}");
    assertNull(p.send(message("d-3")).messageId());
    server.reply(200, "queued, thanks");
    assertNull(p.send(message("d-4")).messageId());
    server.reply(204, "");
    assertNull(p.send(message("d-5")).messageId());
    server.reply(201, "{\"sid\":12345}");
    assertEquals("12345", p.send(message("d-6")).messageId());
    assertEquals(4, server.requests());
  }

  @ParameterizedTest
  @ValueSource(ints = {408, 429, 500, 502, 503})
  void retryable_statuses_are_transient(int status) {
    server.reply(status, "{\"error\":\"echo: " + TEXT + "\"}");
    DeliveryException e =
        assertThrows(DeliveryException.class, () -> provider().send(message("d-7")));
    assertFalse(e.permanent());
    assertTrue(e.getMessage().contains("status " + status), e.getMessage());
    assertNoSecret(e);
    assertEquals(1, server.requests());
  }

  @ParameterizedTest
  @ValueSource(ints = {400, 401, 403, 404, 422, 301})
  void other_statuses_are_permanent(int status) {
    server.reply(status, "{\"error\":\"bad number\"}");
    DeliveryException e =
        assertThrows(
            DeliveryException.class,
            () -> provider("AUTH_HEADER", "X-Api-Key: s3cret-token").send(message("d-8")));
    assertTrue(e.permanent());
    assertTrue(e.getMessage().contains("status " + status), e.getMessage());
    assertNoSecret(e);
    assertEquals(1, server.requests());
  }

  @Test
  void a_server_that_is_not_listening_is_transient() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    HttpSmsProvider p =
        new HttpSmsProvider(
            HttpSmsSettings.fromEnv(
                Map.of("SMS_URL", "http://127.0.0.1:" + port + "/sms", "SMS_TIMEOUT_MS", "2000"),
                "SMS_"));
    DeliveryException e = assertThrows(DeliveryException.class, () -> p.send(message("d-9")));
    assertFalse(e.permanent());
    assertNoSecret(e);
  }

  @Test
  void a_server_that_does_not_answer_in_time_is_transient() throws Exception {
    server.holdReplies();
    HttpSmsProvider p = provider("TIMEOUT_MS", "300");
    DeliveryException e = assertThrows(DeliveryException.class, () -> p.send(message("d-10")));
    assertFalse(e.permanent(), "a timeout is transient: the dispatcher retries");
    assertEquals(
        "http: no response within 300 ms",
        e.getMessage(),
        "it gave up after the configured timeout");
    assertEquals(
        0,
        server.answered(),
        "the server had not answered: the provider stopped waiting on its own");
    assertNoSecret(e);
    assertEquals(TEXT, json(server.take().body()).get("text")); // it did reach the server
    assertEquals(1, server.requests());
  }

  @Test
  void a_template_that_is_not_json_once_filled_in_is_refused() {
    for (String t :
        new String[] {
          "{\"text\": {{text}}}", // placeholder outside a string
          "{\"to\":\"{{to}}\",\"text\":\"{{text}}\"", // unbalanced
          "{\"to\":\"{{to}}\"} trailing", // more than one value
          "{\"to\":\"{{phone}}\"}"
        }) { // unknown placeholder
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> provider("BODY_TEMPLATE", t), t);
      assertTrue(e.getMessage().startsWith("HTTP SMS body template"), e.getMessage());
    }
    assertEquals(0, server.requests());
  }

  @Test
  void settings_from_the_environment() {
    HttpSmsSettings s =
        HttpSmsSettings.fromEnv(
            Map.of(
                "OTP_SMS_HTTP_URL", "https://sms.example.com/send?api_key=k3y",
                "OTP_SMS_HTTP_AUTH_HEADER", "Authorization:  Bearer s3cret-token "),
            "OTP_SMS_HTTP_");
    assertEquals("Authorization", s.authHeaderName());
    assertEquals("Bearer s3cret-token", s.authHeaderValue());
    assertEquals(HttpSmsSettings.DEFAULT_BODY_TEMPLATE, s.bodyTemplate());
    assertEquals("id", s.messageIdField());
    assertEquals(Duration.ofMillis(5000), s.timeout());
    assertFalse(s.toString().contains("s3cret"), s.toString());
    assertFalse(s.toString().contains("k3y"), s.toString());
    assertTrue(s.toString().contains("Authorization: ****"), s.toString());

    assertNull(
        HttpSmsSettings.fromEnv(Map.of("X_URL", "http://localhost/"), "X_").authHeaderName());
    assertThrows(IllegalArgumentException.class, () -> HttpSmsSettings.fromEnv(Map.of(), "X_"));
    assertThrows(
        IllegalArgumentException.class,
        () -> HttpSmsSettings.fromEnv(Map.of("X_URL", "ftp://host/x"), "X_"));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            HttpSmsSettings.fromEnv(
                Map.of("X_URL", "http://localhost/", "X_TIMEOUT_MS", "0"), "X_"));
    IllegalArgumentException bad =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                HttpSmsSettings.fromEnv(
                    Map.of("X_URL", "http://localhost/", "X_AUTH_HEADER", "Bearer s3cret-token"),
                    "X_"));
    assertFalse(bad.getMessage().contains("s3cret"), bad.getMessage());
    IllegalArgumentException bad2 =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                HttpSmsSettings.fromEnv(
                    Map.of("X_URL", "http://localhost/", "X_AUTH_HEADER", "Bearer s3cret:token"),
                    "X_"));
    assertFalse(bad2.getMessage().contains("s3cret"), bad2.getMessage());
    IllegalArgumentException restricted =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                new HttpSmsProvider(
                    HttpSmsSettings.fromEnv(
                        Map.of("X_URL", "http://localhost/", "X_AUTH_HEADER", "Content-Length: 12"),
                        "X_")));
    assertFalse(restricted.getMessage().contains("12"), restricted.getMessage());
  }

  private static void assertNoSecret(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      String m = String.valueOf(t.getMessage());
      assertFalse(m.contains(CODE), m);
      assertFalse(m.contains("s3cret"), m);
      assertFalse(m.contains("Do not share"), m);
    }
  }

  /**
   * A real HTTP server on a free loopback port that records every request (the body as received)
   * and answers with the reply set by the test; it can also hold its replies until released or
   * closed.
   */
  public static final class StubSmsServer implements AutoCloseable {
    public record Received(String method, String path, Headers headers, String body) {}

    private record Reply(int status, String body) {}

    private final HttpServer server;
    private final ExecutorService pool = Executors.newCachedThreadPool();
    private final BlockingQueue<Received> received = new LinkedBlockingQueue<>();
    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicInteger answered = new AtomicInteger();
    private volatile Reply reply = new Reply(200, "{\"id\":\"abc\"}");
    private volatile CountDownLatch hold = new CountDownLatch(0);

    private StubSmsServer() throws IOException {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
      server.setExecutor(pool);
      server.createContext("/", this::handle);
      server.start();
    }

    public static StubSmsServer start() throws IOException {
      return new StubSmsServer();
    }

    private void handle(HttpExchange x) throws IOException {
      try (x) {
        String body = new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        requests.incrementAndGet();
        received.add(
            new Received(
                x.getRequestMethod(), x.getRequestURI().getPath(), x.getRequestHeaders(), body));
        try {
          if (!hold.await(30, TimeUnit.SECONDS)) {
            return;
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
        Reply r = reply;
        byte[] bytes = r.body().getBytes(StandardCharsets.UTF_8);
        x.getResponseHeaders().set("Content-Type", "application/json");
        x.sendResponseHeaders(r.status(), bytes.length == 0 ? -1 : bytes.length);
        answered.incrementAndGet();
        if (bytes.length > 0) {
          try (OutputStream out = x.getResponseBody()) {
            out.write(bytes);
          }
        }
      }
    }

    public String url(String path) {
      return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    public void reply(int status, String body) {
      reply = new Reply(status, body);
    }

    /**
     * Requests from now on wait for {@link #releaseReplies()} (or close) before they are answered.
     */
    public void holdReplies() {
      hold = new CountDownLatch(1);
    }

    public void releaseReplies() {
      hold.countDown();
    }

    /** The next request received (waiting for it up to 10 s). */
    public Received take() throws InterruptedException {
      Received r = received.poll(10, TimeUnit.SECONDS);
      assertNotNull(r, "no request reached " + url("/"));
      return r;
    }

    public void forgetReceived() {
      received.clear();
    }

    public int requests() {
      return requests.get();
    }

    /** Requests whose answer went out (a held one has none yet). */
    public int answered() {
      return answered.get();
    }

    @Override
    public void close() {
      hold.countDown();
      server.stop(0);
      pool.shutdownNow();
    }
  }
}
