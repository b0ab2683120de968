package io.otpstream.e2e.abuse;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.otpstream.common.json.Json;
import io.otpstream.common.outbox.Outbox;
import io.otpstream.common.outbox.OutboxMessage;
import io.otpstream.e2e.support.Apps;
import io.otpstream.e2e.support.Apps.App;
import io.otpstream.e2e.support.Http;
import io.otpstream.e2e.support.TestPipeline;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * SMS pumping to consecutive numbers (issue 16 point 3), black-box over HTTP against the running
 * pipeline: a pumper owning a block of numbers sends codes to +…00, +…01, +…02, … from a new
 * address each time, so neither the per-IP nor the per-number limits ever fill. The
 * sends_per_number_block rule (10 sends per hour to a block of 100 numbers by default) stops it,
 * and every refusal names that rule. Each test has an app of its own.
 */
class SmsPumpingTest {
  private static final AtomicInteger BLOCKS = new AtomicInteger();
  private static final String RULE = "sends_per_number_block";

  private static TestPipeline pipeline;
  private static Outbox outbox;
  private static Http http;

  @BeforeAll
  static void start() throws Exception {
    outbox = TestPipeline.newOutbox();
    pipeline = TestPipeline.start("pumping", outbox);
    http = new Http(pipeline.baseUrl());
  }

  @AfterAll
  static void stop() {
    pipeline.close();
  }

  @Test
  void consecutive_numbers_from_rotating_ips_are_refused_past_the_number_block_limit() {
    App app = Apps.create(http, pipeline.managementKey, "pumping", "{}");
    // fields left out of a PUT take their defaults: sends_per_number_block 10 per 3600 s
    Http.Response defaults =
        http.put(
            "/v2/apps/" + app.id() + "/settings",
            Map.of("Authorization", "Bearer " + pipeline.managementKey),
            "{}");
    assertEquals(10, defaults.json().get(RULE).get("limit").asInt(), defaults.raw());
    String block = block();
    for (int i = 0; i < 10; i++) {
      Http.Response r = send(app.liveKey(), "203.0.113." + (10 + i), block + digits(i));
      assertEquals(200, r.status(), "send " + (i + 1) + " of the default 10: " + r.raw());
    }

    String pumped = block + "10";
    Http.Response refused = send(app.liveKey(), "198.51.100.77", pumped);
    Http.Response nextBlock = send(app.liveKey(), "198.51.100.78", nextBlock(block) + "10");

    assertEquals(429, refused.status(), refused.raw());
    assertEquals(429, refused.json().get("statusCode").asInt(), refused.raw());
    assertEquals("Rate limit exceeded", refused.json().get("message").asText());
    assertEquals(RULE, refused.header("X-Otp-Rule"), "the rule that stopped the pumping");
    assertNotNull(refused.header("Retry-After"), refused.raw());
    assertTrue(Integer.parseInt(refused.header("Retry-After")) > 3500, refused.raw());
    assertEquals(200, nextBlock.status(), "another block is untouched: " + nextBlock.raw());
    await().atMost(Duration.ofSeconds(30)).until(() -> !sentTo(nextBlock(block) + "10").isEmpty());
    assertEquals(List.of(), sentTo(pumped), "nothing went to the pumped number");
  }

  @Test
  void consecutive_numbers_through_the_session_api_meet_the_number_block_limit_as_auth_blocked() {
    App app =
        Apps.create(
            http,
            pipeline.managementKey,
            "pumping",
            "{\"sends_per_number_block\": {\"limit\": 3, \"window_seconds\": 3600}}");
    String block = block();
    for (int i = 0; i < 3; i++) {
      Http.Response r = login(app, block + digits(i), "2001:db8:" + i + "::1");
      assertEquals(204, r.status(), r.raw());
    }

    Http.Response refused = login(app, block + "03", "2001:db8:99::1");

    assertEquals(403, refused.status(), refused.raw());
    assertEquals("auth_blocked", refused.json().get("code").asText(), refused.raw());
    assertTrue(refused.json().get("message").asText().contains(RULE), refused.raw());
    assertEquals(RULE, refused.header("X-Otp-Rule"), "the rule that stopped the pumping");
    assertNotNull(refused.header("Retry-After"), refused.raw());
  }

  @Test
  void
      sandbox_sends_to_a_block_do_not_use_up_its_live_window_and_a_settings_change_applies_at_once() {
    App app =
        Apps.create(
            http,
            pipeline.managementKey,
            "pumping",
            "{\"sends_per_number_block\": {\"limit\": 2, \"window_seconds\": 3600}}");
    String block = block();
    assertEquals(200, send(app.testKey(), "203.0.113.50", block + "00").status());
    assertEquals(200, send(app.testKey(), "203.0.113.51", block + "01").status());
    Http.Response sandboxRefused = send(app.testKey(), "203.0.113.52", block + "02");
    assertEquals(429, sandboxRefused.status(), sandboxRefused.raw());
    assertEquals(RULE, sandboxRefused.header("X-Otp-Rule"));

    assertEquals(200, send(app.liveKey(), "203.0.113.53", block + "03").status());
    assertEquals(200, send(app.liveKey(), "203.0.113.54", block + "04").status());
    assertEquals(RULE, send(app.liveKey(), "203.0.113.55", block + "05").header("X-Otp-Rule"));

    Http.Response put =
        http.put(
            "/v2/apps/" + app.id() + "/settings",
            Map.of("Authorization", "Bearer " + pipeline.managementKey),
            "{\"sends_per_number_block\": {\"limit\": 3, \"window_seconds\": 3600}}");
    assertEquals(200, put.status(), put.raw());
    assertEquals(3, put.json().get(RULE).get("limit").asInt(), put.raw());
    assertEquals(200, send(app.liveKey(), "203.0.113.56", block + "06").status());
    assertEquals(RULE, send(app.liveKey(), "203.0.113.57", block + "07").header("X-Otp-Rule"));
  }

  /** A fresh block of 100 French mobile numbers: its prefix, to which two digits are added. */
  private static String block() {
    return "+336" + String.format("%06d", 300_000 + BLOCKS.incrementAndGet() * 2);
  }

  private static String nextBlock(String block) {
    return block.substring(0, 4) + String.format("%06d", Integer.parseInt(block.substring(4)) + 1);
  }

  private static String digits(int i) {
    return String.format("%02d", i);
  }

  private static Http.Response send(String apiKey, String ip, String to) {
    Map<String, String> h = new LinkedHashMap<>();
    h.put("X-API-Key", apiKey);
    h.put("X-Forwarded-For", ip);
    try {
      return http.post(
          "/api/v1/otp/send",
          h,
          Json.MAPPER.writeValueAsString(
              Map.of("channels", List.of("sms"), "recipients", Map.of("sms", to))));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Http.Response login(App app, String phone, String ip) {
    Map<String, String> h = new LinkedHashMap<>();
    h.put("Host", app.host());
    h.put("Content-Type", "application/json");
    h.put("X-Forwarded-For", ip);
    return http.exchange(
        "POST",
        "/v1/session/login/otp",
        h,
        "{\"identifier\": {\"type\": \"phone_number\", \"value\": \"" + phone + "\"}}");
  }

  private static List<OutboxMessage> sentTo(String to) {
    return outbox.list().stream().filter(m -> m.to().equals(to)).toList();
  }
}
