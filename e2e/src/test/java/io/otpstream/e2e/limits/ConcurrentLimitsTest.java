package io.otpstream.e2e.limits;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.otpstream.api.ApiServer;
import io.otpstream.api.apps.AppCatalog;
import io.otpstream.common.json.Json;
import io.otpstream.common.kafka.KafkaSettings;
import io.otpstream.common.secret.Secrets;
import io.otpstream.common.settings.DefaultSettings;
import io.otpstream.e2e.support.Http;
import io.otpstream.e2e.support.SharedKafka;
import io.otpstream.e2e.support.TopicReader;
import io.otpstream.processor.ProcessorService;
import io.otpstream.schemas.apps.AppSettings;
import io.otpstream.schemas.apps.KeyMode;
import io.otpstream.schemas.apps.Limit;
import io.otpstream.schemas.audit.AuditEvent;
import io.otpstream.schemas.audit.AuditType;
import io.otpstream.schemas.serde.AvroSerde;
import io.otpstream.schemas.topics.TopicBootstrap;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntFunction;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Limits hold exactly under concurrency: two processor instances, two api instances and 50
 * concurrent clients hammering one subject and one client IP. Every count is exact: not one
 * request more than the limit, and not one fewer.
 */
class ConcurrentLimitsTest {
  private static final int CLIENTS = 50;
  private static final String PHONE = "+14155550142";

  private static final List<AutoCloseable> running = new ArrayList<>();
  private static final List<Http> apis = new ArrayList<>();
  private static KafkaSettings kafka;
  private static String key;
  private static ExecutorService clients;

  @BeforeAll
  static void start() throws Exception {
    kafka = KafkaSettings.of(SharedKafka.bootstrapServers()).withPrefix("concurrency-" + UUID.randomUUID() + ".");
    try (Admin admin = Admin.create(kafka.clientProperties())) {
      TopicBootstrap.ensure(admin, kafka.topics(), (short) 1);
    }
    String appId = "app-concurrency";
    try (AppCatalog catalog = new AppCatalog(kafka)) {
      catalog.putApp(appId, "Concurrency");
      key = catalog.createApiKey(appId, KeyMode.TEST);
      catalog.putSettings(AppSettings.newBuilder(DefaultSettings.of(appId)).setVersion(1).setUpdatedAt(Instant.now())
          .setResendCooldownSeconds(0).setMaxResendsPerSession(3).setMaxCheckAttempts(5)
          .setSendsPerSubject(new Limit(8, 3600)).setSendsPerIp(new Limit(12, 3600))
          .setResendsPerSubject(new Limit(5, 3600)).setResendsPerIp(new Limit(9, 3600))
          .setFailedChecksPerSubject(new Limit(6, 3600)).build());
    }
    Secrets secrets = new Secrets(Secrets.randomBytes(32));
    String applicationId = "otp-processor-" + UUID.randomUUID();
    List<ProcessorService> processors = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      Path state = Files.createTempDirectory("otp-concurrency-" + i);
      ProcessorService p = new ProcessorService(ProcessorService.Config.of(kafka, applicationId, state), secrets);
      p.start();
      processors.add(p);
      running.add(p);
    }
    for (int i = 0; i < 2; i++) {
      ApiServer api = new ApiServer(new ApiServer.Config(kafka, "127.0.0.1", 0, i, Duration.ofSeconds(20), true, List.of()), secrets,
          () -> true).start();
      running.add(api);
      apis.add(new Http("http://localhost:" + api.port()));
    }
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    while (!processors.stream().allMatch(ProcessorService::ready)) {
      assertTrue(System.nanoTime() < deadline, "processors not RUNNING");
      Thread.sleep(50);
    }
    clients = Executors.newFixedThreadPool(CLIENTS);
  }

  @AfterAll
  static void stop() throws Exception {
    if (clients != null) {
      clients.shutdownNow();
    }
    for (int i = running.size() - 1; i >= 0; i--) {
      running.get(i).close();
    }
  }

  /** Fires {@code CLIENTS} requests at once, alternating between the two api instances. */
  private static List<Http.Response> burst(IntFunction<Http.Response> request) throws Exception {
    CountDownLatch gate = new CountDownLatch(1);
    List<Future<Http.Response>> futures = new ArrayList<>();
    for (int i = 0; i < CLIENTS; i++) {
      int n = i;
      futures.add(clients.submit(() -> {
        gate.await();
        return request.apply(n);
      }));
    }
    gate.countDown();
    List<Http.Response> out = new ArrayList<>();
    for (Future<Http.Response> f : futures) {
      out.add(f.get());
    }
    return out;
  }

  private static Map<String, String> from(String ip) {
    return Map.of("X-API-Key", key, "X-Forwarded-For", ip);
  }

  private static String json(Object body) {
    try {
      return Json.MAPPER.writeValueAsString(body);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static Map<Object, Long> statuses(List<Http.Response> rs) {
    return rs.stream().collect(Collectors.groupingBy(r -> r.status() == 429 ? "429:" + r.header("X-Otp-Rule")
        : String.valueOf(r.status()), Collectors.counting()));
  }

  private static long count(List<Http.Response> rs, int status) {
    return rs.stream().filter(r -> r.status() == status).count();
  }

  @Test
  void fifty_clients_on_two_apis_and_two_processors_never_exceed_a_limit_by_even_one() throws Exception {
    // A. one subject, one IP: sends_per_ip (12) admits 12, of which sends_per_subject (8) accepts 8
    String sendBody = json(Map.of("channels", List.of("sms"), "recipients", Map.of("sms", PHONE)));
    List<Http.Response> sends = burst(i -> apis.get(i % 2).post("/api/v1/otp/send", from("10.0.0.1"), sendBody));
    assertEquals(Map.of("200", 8L, "429:sends_per_ip", 38L, "429:sends_per_subject", 4L), statuses(sends));
    List<String> tokens = sends.stream().filter(r -> r.status() == 200)
        .map(r -> r.json().get("data").get("session_token").asText()).toList();

    // B. fifty subjects, one fresh IP: exactly sends_per_ip (12)
    List<Http.Response> perIp = burst(i -> apis.get(i % 2).post("/api/v1/otp/send", from("10.0.0.2"),
        json(Map.of("channels", List.of("email"), "recipients", Map.of("email", "c" + i + "@example.com")))));
    assertEquals(Map.of("200", 12L, "429:sends_per_ip", 38L), statuses(perIp));

    // C. resends of the subject's 8 sessions from one IP: resends_per_ip (9) admits 9, resends_per_subject (5) accepts 5
    List<Http.Response> resends = burst(i -> apis.get(i % 2).post("/api/v1/otp/resend", from("10.0.0.3"),
        json(Map.of("session_token", tokens.get(i % tokens.size())))));
    assertEquals(5, count(resends, 200), statuses(resends).toString());
    assertEquals(50 - 5, count(resends, 429), statuses(resends).toString());

    // D. wrong codes on the subject's sessions: failed_checks_per_subject (6) lets exactly 6 be evaluated
    List<Http.Response> checks = burst(i -> apis.get(i % 2).post("/api/v1/otp/verify", from("10.0.0.4"),
        json(Map.of("session_token", tokens.get(i % tokens.size()), "otps", Map.of("sms", "not-it")))));
    assertEquals(6, count(checks, 200), statuses(checks).toString());
    assertTrue(checks.stream().filter(r -> r.status() == 200).noneMatch(r -> r.json().get("data").get("verified").asBoolean()));
    assertEquals(50 - 6, checks.stream().filter(r -> r.status() == 429 || r.status() == 400).count(), statuses(checks).toString());

    // The audit log agrees: the decisions the limits let through, exactly.
    AvroSerde<AuditEvent> serde = AvroSerde.of(AuditEvent.class);
    List<AuditEvent> events = TopicReader.readAll(SharedKafka.bootstrapServers(), kafka.topics().events.name())
        .stream().map(r -> serde.decode(r.value())).toList();
    String subject = events.stream().filter(e -> e.getType() == AuditType.RESENT).findFirst().orElseThrow().getSubjectId();
    assertEquals(8, events.stream().filter(e -> e.getSubjectId().equals(subject) && e.getType() == AuditType.SESSION_STARTED).count());
    assertEquals(20, events.stream().filter(e -> e.getType() == AuditType.SESSION_STARTED).count());
    assertEquals(5, events.stream().filter(e -> e.getType() == AuditType.RESENT).count());
    assertEquals(6, events.stream().filter(e -> e.getType() == AuditType.CHECK_FAILED).count());
    Map<String, Long> resentPerSession = events.stream().filter(e -> e.getType() == AuditType.RESENT)
        .collect(Collectors.groupingBy(AuditEvent::getSessionId, Collectors.counting()));
    assertTrue(resentPerSession.values().stream().allMatch(n -> n <= 3), resentPerSession.toString());
  }
}
