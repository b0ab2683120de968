package io.otpstream.e2e.limits;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.otpstream.api.ApiServer;
import io.otpstream.api.address.ClientAddresses;
import io.otpstream.api.apps.AppCatalog;
import io.otpstream.api.subject.Subjects;
import io.otpstream.common.json.Json;
import io.otpstream.common.kafka.KafkaSettings;
import io.otpstream.common.secret.Secrets;
import io.otpstream.common.settings.DefaultSettings;
import io.otpstream.e2e.support.Apps;
import io.otpstream.e2e.support.Http;
import io.otpstream.e2e.support.Installations;
import io.otpstream.e2e.support.KeyPartitions;
import io.otpstream.e2e.support.ProcessorProcess;
import io.otpstream.e2e.support.SharedKafka;
import io.otpstream.e2e.support.TopicReader;
import io.otpstream.processor.ProcessorService;
import io.otpstream.processor.topology.Names;
import io.otpstream.schemas.apps.AppSettings;
import io.otpstream.schemas.apps.KeyMode;
import io.otpstream.schemas.apps.Limit;
import io.otpstream.schemas.audit.AuditEvent;
import io.otpstream.schemas.audit.AuditType;
import io.otpstream.schemas.quota.QuotaState;
import io.otpstream.schemas.serde.AvroSerde;
import io.otpstream.schemas.topics.TopicBootstrap;
import io.otpstream.schemas.topics.TopicSpec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.IntFunction;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Limits hold exactly under concurrency: two processors (one in this JVM, one in its own), two api
 * instances and 50 concurrent clients. Requests come from client IPs chosen so that their per-IP
 * keys land on every partition, so both processors decide part of every burst, and each refusal is
 * checked by its status and the rule that made it. Every count is exact: not one request more than
 * the limit, and not one fewer, also for the quota of a live key, and when a processor is killed
 * (SIGKILL) in the middle of a burst.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConcurrentLimitsTest {
  private static final int CLIENTS = 50;
  private static final String PHONE = "+14155550142";

  private static final List<AutoCloseable> running = new ArrayList<>();
  private static final List<Http> apis = new ArrayList<>();
  private static final AtomicInteger nextIp = new AtomicInteger(1);
  private static KafkaSettings kafka;
  private static String applicationId;
  private static ProcessorService local;
  private static ProcessorProcess remote;
  private static ClientAddresses addresses;
  private static Subjects subjects;
  private static String limitsApp;
  private static String testKey;
  private static String quotaApp;
  private static String liveKey;
  private static String blocksApp;
  private static String blocksKey;
  private static ExecutorService clients;

  @BeforeAll
  static void start() throws Exception {
    kafka =
        KafkaSettings.of(SharedKafka.bootstrapServers())
            .withPrefix("concurrency-" + UUID.randomUUID() + ".");
    try (Admin admin = Admin.create(kafka.clientProperties())) {
      TopicBootstrap.ensure(admin, kafka.topics(), (short) 1);
    }
    limitsApp = "app-concurrency";
    quotaApp = "app-concurrency-quota";
    try (AppCatalog catalog = new AppCatalog(kafka)) {
      catalog.putApp(limitsApp, "Concurrency");
      testKey = catalog.createApiKey(limitsApp, KeyMode.TEST);
      catalog.putSettings(
          AppSettings.newBuilder(DefaultSettings.of(limitsApp))
              .setVersion(1)
              .setUpdatedAt(Instant.now())
              .setResendCooldownSeconds(0)
              .setMaxResendsPerSession(5)
              .setMaxCheckAttempts(10)
              .setSendsPerSubject(new Limit(8, 3600))
              .setSendsPerIp(new Limit(3, 3600))
              .setResendsPerSubject(new Limit(5, 3600))
              .setResendsPerIp(new Limit(3, 3600))
              .setFailedChecksPerSubject(new Limit(6, 3600))
              .setSendsPerNumberBlock(Apps.NO_NUMBER_BLOCK_LIMIT)
              .build());
      catalog.putApp(quotaApp, "Concurrency with a quota");
      liveKey = catalog.createApiKey(quotaApp, KeyMode.LIVE);
      catalog.putSettings(
          AppSettings.newBuilder(DefaultSettings.of(quotaApp))
              .setVersion(1)
              .setUpdatedAt(Instant.now())
              .setQuota(10L)
              .setSendsPerNumberBlock(Apps.NO_NUMBER_BLOCK_LIMIT)
              .build());
      blocksApp = "app-concurrency-blocks";
      catalog.putApp(blocksApp, "Concurrency, number blocks");
      blocksKey = catalog.createApiKey(blocksApp, KeyMode.TEST);
      catalog.putSettings( // sends_per_number_block: the default, 10 per hour
          AppSettings.newBuilder(DefaultSettings.of(blocksApp))
              .setVersion(1)
              .setUpdatedAt(Instant.now())
              .build());
    }
    String secret = Secrets.generate();
    Secrets secrets = Secrets.fromBase64(secret);
    addresses = new ClientAddresses(secrets, ClientAddresses.DEFAULT_IPV6_PREFIX);
    subjects = new Subjects(secrets);
    applicationId = "otp-processor-" + UUID.randomUUID();
    local =
        new ProcessorService(
            ProcessorService.Config.of(
                kafka, applicationId, Files.createTempDirectory("otp-concurrency")),
            secrets);
    Installations.started(kafka.bootstrapServers(), kafka.topicPrefix(), secret, applicationId);
    local.start();
    running.add(local);
    remote = ProcessorProcess.start(kafka, applicationId, secret);
    running.add(remote);
    for (int i = 0; i < 2; i++) {
      ApiServer api =
          new ApiServer(
                  new ApiServer.Config(
                      kafka, "127.0.0.1", 0, i, Duration.ofSeconds(25), true, List.of()),
                  secrets,
                  () -> true)
              .start();
      running.add(api);
      apis.add(new Http("http://localhost:" + api.port()));
    }
    await()
        .atMost(Duration.ofSeconds(120))
        .until(() -> local.ready() && remotePartitions() != null);
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

  @Test
  @Order(1)
  void each_processor_runs_part_of_every_stage() throws Exception {
    Set<TopicPartition> theirs = remotePartitions();
    for (TopicSpec<?, ?> stage :
        List.of(kafka.topics().quota, kafka.topics().requests, kafka.topics().commands)) {
      assertTrue(
          local.activePartitions().stream().anyMatch(p -> p.topic().equals(stage.name())),
          "this JVM's processor runs no task of " + stage.name() + ": " + local.activePartitions());
      assertTrue(
          theirs.stream().anyMatch(p -> p.topic().equals(stage.name())),
          "the other processor runs no task of " + stage.name() + ": " + theirs);
    }
  }

  @Test
  @Order(2)
  void fifty_clients_on_two_apis_and_two_processors_never_exceed_a_limit_by_even_one()
      throws Exception {
    String subject = subjects.subjectId(limitsApp, PHONE);

    // A. one subject from 10 IPs over every partition, 5 sends each: sends_per_ip (3) passes 30,
    // sends_per_subject (8) 8 of them
    List<String> aIps = ipsOverEveryPartition(limitsApp, 10);
    String sendBody = json(Map.of("channels", List.of("sms"), "recipients", Map.of("sms", PHONE)));
    List<Http.Response> sends =
        burst(
            CLIENTS,
            i -> apis.get(i % 2).post("/api/v1/otp/send", from(aIps.get(i / 5)), sendBody));
    assertEquals(
        Map.of("200", 8L, "429 sends_per_ip", 20L, "429 sends_per_subject", 22L), outcomes(sends));
    assertSpreadOverEveryPartition(aIps);
    List<String> tokens = tokens(sends);

    // B. fifty subjects from 10 other IPs, 5 each: exactly sends_per_ip (3) per IP
    List<String> bIps = ipsOverEveryPartition(limitsApp, 10);
    List<Http.Response> perIp =
        burst(
            CLIENTS,
            i ->
                apis.get(i % 2)
                    .post(
                        "/api/v1/otp/send",
                        from(bIps.get(i / 5)),
                        json(
                            Map.of(
                                "channels",
                                List.of("email"),
                                "recipients",
                                Map.of("email", "c" + i + "@example.com")))));
    assertEquals(Map.of("200", 30L, "429 sends_per_ip", 20L), outcomes(perIp));
    assertSpreadOverEveryPartition(bIps);
    List<String> bTokens = tokens(perIp);

    // C. resends of the subject's 8 sessions from 50 IPs, one each: exactly resends_per_subject (5)
    List<String> cIps = ipsOverEveryPartition(limitsApp, CLIENTS);
    List<Http.Response> resends =
        burst(
            CLIENTS,
            i ->
                apis.get(i % 2)
                    .post(
                        "/api/v1/otp/resend",
                        from(cIps.get(i)),
                        json(Map.of("session_token", tokens.get(i % tokens.size())))));
    assertEquals(Map.of("200", 5L, "429 resends_per_subject", 45L), outcomes(resends));

    // C'. resends of B's 30 sessions (30 subjects, at most 2 each) from 10 IPs, 5 each: exactly
    // resends_per_ip (3) per IP
    List<String> c2Ips = ipsOverEveryPartition(limitsApp, 10);
    List<Http.Response> resendsPerIp =
        burst(
            CLIENTS,
            i ->
                apis.get(i % 2)
                    .post(
                        "/api/v1/otp/resend",
                        from(c2Ips.get(i / 5)),
                        json(Map.of("session_token", bTokens.get(i % bTokens.size())))));
    assertEquals(Map.of("200", 30L, "429 resends_per_ip", 20L), outcomes(resendsPerIp));

    // D. wrong codes on the subject's sessions from one IP: failed_checks_per_subject (6) lets
    // exactly 6 be evaluated
    List<Http.Response> checks =
        burst(
            CLIENTS,
            i ->
                apis.get(i % 2)
                    .post(
                        "/api/v1/otp/verify",
                        from("192.0.2.4"),
                        json(
                            Map.of(
                                "session_token",
                                tokens.get(i % tokens.size()),
                                "otps",
                                Map.of("sms", "not-it")))));
    assertEquals(Map.of("200", 6L, "429 failed_checks_per_subject", 44L), outcomes(checks));
    assertTrue(
        checks.stream()
            .filter(r -> r.status() == 200)
            .noneMatch(r -> r.json().get("data").get("verified").asBoolean()));

    // The audit log agrees: the decisions the limits let through, exactly.
    List<AuditEvent> events = auditOf(limitsApp);
    assertEquals(8, count(events, AuditType.SESSION_STARTED, subject));
    assertEquals(8 + 30, count(events, AuditType.SESSION_STARTED, null));
    assertEquals(5, count(events, AuditType.RESENT, subject));
    assertEquals(5 + 30, count(events, AuditType.RESENT, null));
    assertEquals(6, count(events, AuditType.CHECK_FAILED, subject));
    Map<String, Long> resentPerSession =
        events.stream()
            .filter(e -> e.getType() == AuditType.RESENT)
            .collect(Collectors.groupingBy(AuditEvent::getSessionId, Collectors.counting()));
    assertTrue(
        resentPerSession.values().stream().allMatch(n -> n <= 5), resentPerSession.toString());
  }

  @Test
  @Order(3)
  void a_quota_of_10_admits_exactly_10_of_50_concurrent_live_sends_and_spends_exactly_10()
      throws Exception {
    List<String> ips = ipsOverEveryPartition(quotaApp, 10);
    List<Http.Response> sends =
        burst(
            CLIENTS,
            i ->
                apis.get(i % 2)
                    .post(
                        "/api/v1/otp/send",
                        Map.of("X-API-Key", liveKey, "X-Forwarded-For", ips.get(i / 5)),
                        json(
                            Map.of(
                                "channels",
                                List.of("sms"),
                                "recipients",
                                Map.of("sms", "+1415555" + (1000 + i))))));
    assertEquals(Map.of("200", 10L, "402 quota", 40L), outcomes(sends));

    // every answer came after its decision was committed, but a transaction's commit markers reach
    // the reply partition and the audit partitions one after the other: wait until all 50 are seen
    List<AuditEvent> events =
        auditUntil(
            quotaApp,
            all ->
                count(all, AuditType.SESSION_STARTED, null)
                        + count(all, AuditType.LIMIT_EXCEEDED, null)
                    >= 50);
    assertEquals(10, count(events, AuditType.SESSION_STARTED, null));
    List<AuditEvent> refused =
        events.stream().filter(e -> e.getType() == AuditType.LIMIT_EXCEEDED).toList();
    assertEquals(40, refused.size());
    assertTrue(
        refused.stream()
            .allMatch(e -> "quota".equals(e.getRule()) && e.getCount() == 10 && e.getLimit() == 10),
        "every refusal found exactly 10 of 10 spent: "
            + refused.stream().map(e -> e.getRule() + " " + e.getCount()).toList());
    String changelog = applicationId + "-" + Names.QUOTA_STORE + "-changelog";
    AvroSerde<QuotaState> serde = AvroSerde.of(QuotaState.class);
    List<ConsumerRecord<byte[], byte[]>> spent =
        TopicReader.readAll(SharedKafka.bootstrapServers(), changelog).stream()
            .filter(
                r ->
                    r.key() != null && quotaApp.equals(new String(r.key(), StandardCharsets.UTF_8)))
            .toList();
    assertEquals(
        10,
        serde.decode(spent.get(spent.size() - 1).value()).getSpent(),
        "the quota store's last word");
  }

  @Test
  @Order(3)
  void fifty_concurrent_sends_to_one_number_block_from_fifty_ips_admit_exactly_its_limit()
      throws Exception {
    List<Http.Response> sends = smsSendsOfTheBlocksApp(i -> "+1415555" + (5000 + i));
    assertEquals(Map.of("200", 10L, "429 sends_per_number_block", 40L), outcomes(sends));
  }

  @Test
  @Order(3)
  void one_apps_sends_to_fifty_number_blocks_are_decided_at_the_quota_stage_by_both_processors()
      throws Exception {
    List<Http.Response> sends =
        smsSendsOfTheBlocksApp(i -> "+1415555" + String.format("%04d", i * 100 + 42));
    assertEquals(Map.of("200", 50L), outcomes(sends));
    Set<TopicPartition> used =
        TopicReader.readAll(SharedKafka.bootstrapServers(), kafka.topics().quota.name()).stream()
            .filter(
                r ->
                    r.key() != null
                        && new String(r.key(), StandardCharsets.UTF_8).startsWith(blocksApp + "#"))
            .map(r -> new TopicPartition(r.topic(), r.partition()))
            .collect(Collectors.toSet());
    assertTrue(
        used.stream().anyMatch(local.activePartitions()::contains),
        "this JVM's processor decided none of them: " + used);
    assertTrue(
        used.stream().anyMatch(remotePartitions()::contains),
        "the other processor decided none of them: " + used);
  }

  /**
   * {@link #CLIENTS} sends of the number-block app at once, client {@code i} to {@code phone(i)},
   * from addresses over every per-IP partition, alternating the two apis.
   */
  private static List<Http.Response> smsSendsOfTheBlocksApp(IntFunction<String> phone)
      throws Exception {
    List<String> ips = ipsOverEveryPartition(blocksApp, CLIENTS);
    return burst(
        CLIENTS,
        i ->
            apis.get(i % 2)
                .post(
                    "/api/v1/otp/send",
                    Map.of("X-API-Key", blocksKey, "X-Forwarded-For", ips.get(i)),
                    json(
                        Map.of(
                            "channels",
                            List.of("sms"),
                            "recipients",
                            Map.of("sms", phone.apply(i))))));
  }

  @Test
  @Order(4)
  void a_processor_killed_in_the_middle_of_a_burst_changes_no_count() throws Exception {
    // the subject's session task runs in the processor that is killed; the per-IP tasks in both
    Set<TopicPartition> victims = remotePartitions();
    int commandPartitions = kafka.topics().commands.partitions();
    String phone =
        IntStream.range(0, 1000)
            .mapToObj(n -> "+1415555" + (3000 + n))
            .filter(
                p ->
                    victims.contains(
                        new TopicPartition(
                            kafka.topics().commands.name(),
                            KeyPartitions.of(subjects.subjectId(limitsApp, p), commandPartitions))))
            .findFirst()
            .orElseThrow();
    String subject = subjects.subjectId(limitsApp, phone);
    // 10 IPs over every partition, 10 sends each: sends_per_ip (3) passes 30, sends_per_subject (8)
    // 8 of them
    List<String> ips = ipsOverEveryPartition(limitsApp, 10);
    String body = json(Map.of("channels", List.of("sms"), "recipients", Map.of("sms", phone)));
    IntFunction<Http.Response> send =
        n -> apis.get(n % 2).post("/api/v1/otp/send", from(ips.get(n / 10)), body);

    // before the kill: 2 IPs, answered in full, so the victim has committed 6 of the subject's 8
    List<Http.Response> before = burst(20, send);
    assertEquals(Map.of("200", 6L, "429 sends_per_ip", 14L), outcomes(before));

    // the next 5 IPs at once, and the kill after their first 10 answers; then the last 3 IPs
    CountDownLatch answered = new CountDownLatch(10);
    List<Future<Http.Response>> during =
        IntStream.range(20, 70)
            .mapToObj(
                n ->
                    clients.submit(
                        () -> {
                          Http.Response r = send.apply(n);
                          answered.countDown();
                          return r;
                        }))
            .toList();
    assertTrue(answered.await(60, TimeUnit.SECONDS), "the burst got no answers");
    remote.kill();
    assertFalse(remote.alive());
    List<Http.Response> after = burst(30, n -> send.apply(70 + n));
    List<Http.Response> all = new ArrayList<>(before);
    for (Future<Http.Response> f : during) {
      all.add(f.get(60, TimeUnit.SECONDS));
    }
    all.addAll(after);

    assertEquals(
        Map.of("200", 8L, "429 sends_per_ip", 70L, "429 sends_per_subject", 22L), outcomes(all));
    // sent after the kill: 3 of each IP's 10 passed the per-IP stage, and the survivor decided them
    // on the subject's task
    assertEquals(21L, outcomes(after).get("429 sends_per_ip"), outcomes(after).toString());
    assertTrue(
        local
            .activePartitions()
            .contains(
                new TopicPartition(
                    kafka.topics().commands.name(), KeyPartitions.of(subject, commandPartitions))),
        "the survivor took the subject's task over");
    assertEquals(8, count(auditOf(limitsApp), AuditType.SESSION_STARTED, subject));
  }

  /** Fires {@code n} requests at once from the client pool. */
  private static List<Http.Response> burst(int n, IntFunction<Http.Response> request)
      throws Exception {
    CountDownLatch gate = new CountDownLatch(1);
    List<Future<Http.Response>> futures = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      int k = i;
      futures.add(
          clients.submit(
              () -> {
                gate.await();
                return request.apply(k);
              }));
    }
    gate.countDown();
    List<Http.Response> out = new ArrayList<>();
    for (Future<Http.Response> f : futures) {
      out.add(f.get());
    }
    return out;
  }

  /**
   * {@code n} client IPs never used before, whose per-IP keys (keyed hashes of app and address)
   * land on the partitions of {@code otp.requests} in turn: every partition, evenly.
   */
  private static List<String> ipsOverEveryPartition(String appId, int n) {
    int partitions = kafka.topics().requests.partitions();
    List<String> out = new ArrayList<>();
    while (out.size() < n) {
      int k = nextIp.getAndIncrement();
      String ip = "10." + (k >> 16 & 0xff) + "." + (k >> 8 & 0xff) + "." + (k & 0xff);
      if (KeyPartitions.of(addresses.source(appId, ip).limitKey(), partitions)
          == out.size() % partitions) {
        out.add(ip);
      }
    }
    return out;
  }

  /**
   * The requests of {@code ips} are on every partition of otp.requests, as the broker holds them.
   */
  private static void assertSpreadOverEveryPartition(List<String> ips) {
    Set<String> keys =
        ips.stream()
            .map(ip -> addresses.source(limitsApp, ip).limitKey())
            .collect(Collectors.toSet());
    Set<Integer> used =
        TopicReader.readAll(SharedKafka.bootstrapServers(), kafka.topics().requests.name()).stream()
            .filter(
                r -> r.key() != null && keys.contains(new String(r.key(), StandardCharsets.UTF_8)))
            .map(ConsumerRecord::partition)
            .collect(Collectors.toSet());
    assertEquals(
        IntStream.range(0, kafka.topics().requests.partitions())
            .boxed()
            .collect(Collectors.toSet()),
        used);
  }

  /**
   * The other processor's active input partitions, once the group is settled: two members, one of
   * them this JVM's processor, that run every task between them; null until then.
   */
  private static Set<TopicPartition> remotePartitions() throws Exception {
    Map<String, Set<TopicPartition>> members;
    try (Admin admin = Admin.create(kafka.clientProperties())) {
      members =
          admin
              .describeConsumerGroups(List.of(applicationId))
              .all()
              .get(10, TimeUnit.SECONDS)
              .get(applicationId)
              .members()
              .stream()
              .collect(
                  Collectors.toMap(
                      MemberDescription::consumerId, m -> m.assignment().topicPartitions()));
    }
    Set<TopicPartition> ours = local.activePartitions();
    List<Set<TopicPartition>> others =
        members.values().stream().filter(p -> !p.equals(ours)).toList();
    Set<TopicPartition> all = new HashSet<>(ours);
    others.forEach(all::addAll);
    boolean settled =
        members.size() == 2
            && others.size() == 1
            && !ours.isEmpty()
            && !others.get(0).isEmpty()
            && all.size() == ours.size() + others.get(0).size()
            && all.containsAll(inputPartitions());
    return settled ? others.get(0) : null;
  }

  private static Set<TopicPartition> inputPartitions() {
    Set<TopicPartition> all = new HashSet<>();
    for (TopicSpec<?, ?> t :
        List.of(
            kafka.topics().quota,
            kafka.topics().requests,
            kafka.topics().commands,
            kafka.topics().deliveryStatus)) {
      for (int p = 0; p < t.partitions(); p++) {
        all.add(new TopicPartition(t.name(), p));
      }
    }
    return all;
  }

  private static List<String> tokens(List<Http.Response> rs) {
    return rs.stream()
        .filter(r -> r.status() == 200)
        .map(r -> r.json().get("data").get("session_token").asText())
        .toList();
  }

  private static List<AuditEvent> auditOf(String appId) {
    AvroSerde<AuditEvent> serde = AvroSerde.of(AuditEvent.class);
    return TopicReader.readAll(SharedKafka.bootstrapServers(), kafka.topics().events.name())
        .stream()
        .map(r -> serde.decode(r.value()))
        .filter(e -> appId.equals(e.getAppId()))
        .toList();
  }

  /** The audit events of {@code appId}, read again until {@code done} holds for them. */
  private static List<AuditEvent> auditUntil(String appId, Predicate<List<AuditEvent>> done) {
    AvroSerde<AuditEvent> serde = AvroSerde.of(AuditEvent.class);
    Function<List<ConsumerRecord<byte[], byte[]>>, List<AuditEvent>> ofApp =
        records ->
            records.stream()
                .map(r -> serde.decode(r.value()))
                .filter(e -> appId.equals(e.getAppId()))
                .toList();
    return ofApp.apply(
        TopicReader.readUntil(
            SharedKafka.bootstrapServers(),
            kafka.topics().events.name(),
            records -> done.test(ofApp.apply(records))));
  }

  /** Events of {@code type}, of {@code subject} (any subject when null). */
  private static long count(List<AuditEvent> events, AuditType type, String subject) {
    return events.stream()
        .filter(e -> e.getType() == type && (subject == null || subject.equals(e.getSubjectId())))
        .count();
  }

  private static Map<String, String> from(String ip) {
    return Map.of("X-API-Key", testKey, "X-Forwarded-For", ip);
  }

  private static String json(Object body) {
    try {
      return Json.MAPPER.writeValueAsString(body);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Each answer as its status and, when a rule refused it, that rule ({@code X-Otp-Rule}): "200",
   * "429 sends_per_ip".
   */
  private static Map<String, Long> outcomes(List<Http.Response> rs) {
    return new TreeMap<>(
        rs.stream()
            .collect(
                Collectors.groupingBy(
                    r ->
                        r.status()
                            + (r.header("X-Otp-Rule") == null ? "" : " " + r.header("X-Otp-Rule")),
                    Collectors.counting())));
  }
}
