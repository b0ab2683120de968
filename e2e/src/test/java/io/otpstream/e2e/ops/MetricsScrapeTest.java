package io.otpstream.e2e.ops;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetupTest;
import io.otpstream.dispatcher.email.SmtpProvider;
import io.otpstream.dispatcher.email.SmtpSettings;
import io.otpstream.dispatcher.provider.FallbackProvider;
import io.otpstream.dispatcher.provider.OutboxProvider;
import io.otpstream.e2e.support.Http;
import io.otpstream.e2e.support.TestPipeline;
import jakarta.mail.Message;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * After one OTP is sent and verified end to end (api, processor, email dispatcher through SMTP to
 * GreenMail, each service with its own registry as in production), each service's {@code /metrics}
 * shows what that flow caused, with bounded labels only.
 */
class MetricsScrapeTest {
  private static final Pattern CODE = Pattern.compile("\\b(\\d{6})\\b");
  private static GreenMail smtp;
  private static SeparateServices services;

  @BeforeAll
  static void start() throws Exception {
    smtp = new GreenMail(ServerSetupTest.SMTP.dynamicPort());
    smtp.start();
    SmtpSettings settings =
        new SmtpSettings("localhost", smtp.getSmtp().getPort(), false, null, null, "otp@acme.test");
    Clock clock = Clock.systemUTC();
    services =
        new SeparateServices(
            "metrics",
            new FallbackProvider(
                new SmtpProvider(settings),
                new OutboxProvider(TestPipeline.newOutbox(), "email", clock),
                clock));
    await().atMost(Duration.ofSeconds(60)).until(services.processor::ready);
  }

  @AfterAll
  static void stop() {
    if (services != null) {
      services.close();
    }
    if (smtp != null) {
      smtp.stop();
    }
  }

  private static Scrape scrape(String baseUrl) {
    Http.Response r = new Http(baseUrl).get("/metrics");
    assertEquals(200, r.status(), r.raw());
    assertTrue(r.header("Content-Type").startsWith("text/plain"), r.header("Content-Type"));
    return new Scrape(r.raw());
  }

  private static String emailedCode(String email) throws Exception {
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> Arrays.stream(smtp.getReceivedMessages()).anyMatch(m -> to(m, email)));
    MimeMessage m =
        Arrays.stream(smtp.getReceivedMessages()).filter(x -> to(x, email)).findFirst().get();
    String text = (String) ((MimeMultipart) m.getContent()).getBodyPart(0).getContent();
    Matcher matcher = CODE.matcher(text);
    assertTrue(matcher.find(), text);
    return matcher.group(1);
  }

  private static boolean to(MimeMessage m, String email) {
    try {
      return m.getRecipients(Message.RecipientType.TO)[0].toString().equals(email);
    } catch (Exception e) {
      return false;
    }
  }

  @Test
  void each_service_exposes_the_counters_of_a_send_and_verify_flow() throws Exception {
    Http http = new Http(services.apiUrl());
    String email = "metrics-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
    Http.Response sent =
        http.postJson(
            "/api/v1/otp/send",
            services.liveKey,
            Map.of("channels", List.of("email"), "recipients", Map.of("email", email)));
    assertEquals(200, sent.status(), sent.raw());
    JsonNode data = sent.json().get("data");
    String token = data.get("session_token").asText();
    String sessionId = data.get("session_id").asText();
    Http.Response verified =
        http.postJson(
            "/api/v1/otp/verify",
            services.liveKey,
            Map.of("session_token", token, "otps", Map.of("email", emailedCode(email))));
    assertEquals(200, verified.status(), verified.raw());
    assertTrue(verified.json().get("data").get("verified").asBoolean(), verified.raw());

    Scrape api = scrape(services.apiUrl());
    for (String route : List.of("/api/v1/otp/send", "/api/v1/otp/verify")) {
      assertEquals(
          1.0,
          api.valueOrZero(
              "otp_http_requests_seconds_count",
              Map.of(
                  "family",
                  "sendmator",
                  "route",
                  route,
                  "method",
                  "POST",
                  "status",
                  "200",
                  "service",
                  "api")),
          api.lines("otp_http_requests_seconds_count"));
    }
    assertTrue(
        api.value(
                "otp_http_requests_seconds_bucket",
                Map.of("route", "/api/v1/otp/send", "le", "+Inf"))
            .isPresent(),
        "a latency histogram");
    assertTrue(
        api.value("kafka_consumer_fetch_manager_records_lag_max", Map.of("service", "api"))
            .isPresent(),
        "the reply consumer's lag");
    assertTrue(api.value("kafka_producer_record_send_total", Map.of()).isPresent(), "producer");

    // the decisions are counted when forwarded, the deliveries when their status is written:
    // both may trail the HTTP answers by a moment
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              Scrape processor = scrape(services.processorUrl());
              for (String outcome : List.of("STARTED", "VERIFIED")) {
                assertEquals(
                    1.0,
                    processor.valueOrZero(
                        "otp_decisions_total",
                        Map.of(
                            "outcome",
                            outcome,
                            "rule",
                            "none",
                            "stage",
                            "session",
                            "service",
                            "processor")),
                    processor.lines("otp_decisions_total"));
              }
              Scrape dispatcher = scrape(services.dispatcherUrl());
              assertEquals(
                  1.0,
                  dispatcher.valueOrZero(
                      "otp_deliveries_total",
                      Map.of(
                          "channel",
                          "email",
                          "provider",
                          "smtp",
                          "status",
                          "SENT",
                          "service",
                          "dispatcher-email")),
                  dispatcher.lines("otp_deliveries_total"));
            });

    Scrape processor = scrape(services.processorUrl());
    assertTrue(
        processor.text().contains("kafka_stream_"), "Kafka Streams metrics through the binder");
    assertTrue(processor.value("jvm_memory_used_bytes", Map.of()).isPresent(), "JVM");
    assertTrue(
        processor.value("jvm_gc_pause_seconds_count", Map.of()).isPresent()
            || processor.text().contains("jvm_gc_"),
        "GC");
    assertTrue(processor.value("jvm_threads_live_threads", Map.of()).isPresent(), "threads");
    assertTrue(processor.value("jvm_classes_loaded_classes", Map.of()).isPresent(), "classes");
    assertTrue(processor.value("process_uptime_seconds", Map.of()).isPresent(), "uptime");
    assertTrue(processor.value("system_cpu_count", Map.of()).isPresent(), "processor");

    Scrape dispatcher = scrape(services.dispatcherUrl());
    assertEquals(
        1.0,
        dispatcher.valueOrZero(
            "resilience4j_circuitbreaker_state", Map.of("name", "smtp", "state", "closed")),
        dispatcher.lines("resilience4j_circuitbreaker_state"));
    assertTrue(
        dispatcher.value("kafka_consumer_fetch_manager_records_lag_max", Map.of()).isPresent(),
        "the dispatcher consumer's lag");

    System.out.println(
        "a sample of /metrics:\n"
            + api.lines("otp_http_requests_seconds_count{family=\"sendmator\"")
            + "\n"
            + processor.lines("otp_decisions_total")
            + "\n"
            + dispatcher.lines("otp_deliveries_total")
            + "\n"
            + dispatcher.lines("resilience4j_circuitbreaker_state")
            + "\n"
            + dispatcher.lines("kafka_consumer_fetch_manager_records_lag_max"));
    for (Scrape s : List.of(api, processor, dispatcher)) {
      for (String personal : List.of(email, sessionId, token, services.appId, services.liveKey)) {
        assertFalse(s.text().contains(personal), "a label carries " + personal);
      }
    }
  }
}
