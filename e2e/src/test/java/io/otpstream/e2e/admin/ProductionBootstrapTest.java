package io.otpstream.e2e.admin;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetupTest;
import io.otpstream.common.secret.Secrets;
import io.otpstream.e2e.support.Apps;
import io.otpstream.e2e.support.FreshKafka;
import io.otpstream.e2e.support.Http;
import io.otpstream.e2e.support.LauncherProcess;
import io.otpstream.e2e.support.TopicReader;
import io.otpstream.schemas.apps.AppCatalogRecord;
import io.otpstream.schemas.apps.CatalogKeys;
import io.otpstream.schemas.apps.ManagementKey;
import io.otpstream.schemas.topics.TopicSpec;
import io.otpstream.schemas.topics.Topics;
import jakarta.mail.Message;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * From an empty cluster to a verified OTP with the production commands only: {@code otpstream admin
 * init}, then {@code api}, {@code processor} and {@code dispatcher-email}, each a JVM of its own
 * configured by environment variables, on a one-node in-JVM cluster of this test's own and a real
 * SMTP server (GreenMail). No dev mode, nothing written to Kafka by the test.
 */
class ProductionBootstrapTest {
  private static final Pattern KEY_LINE = Pattern.compile("(?m)^(mk_[A-Za-z0-9_-]{20,})$");
  private static final Pattern CODE = Pattern.compile("\\b(\\d{6})\\b");
  private static final int TOPICS = Topics.defaults().all().size();
  private static final Duration START = Duration.ofSeconds(120);

  private static FreshKafka kafka;
  private static GreenMail smtp;
  private static Path stateDir;
  private static final String SECRET = Secrets.generate();
  private static final List<LauncherProcess> services = new ArrayList<>();
  private static LauncherProcess firstInit;
  private static Http http;
  private static int processorHealth;
  private static int dispatcherHealth;

  /** The management key in force: the one init printed, then the rotated one. */
  private static volatile String managementKey;

  @BeforeAll
  static void start() throws Exception {
    kafka = FreshKafka.start();
    smtp = new GreenMail(ServerSetupTest.SMTP.dynamicPort());
    smtp.start();
    stateDir = Files.createTempDirectory("otp-bootstrap-state-");

    long t0 = System.nanoTime();
    firstInit = LauncherProcess.start(env(), "admin", "init");
    assertEquals(0, firstInit.awaitExit(START), firstInit.output());
    managementKey = printedKey(firstInit);
    long t1 = System.nanoTime();

    int httpPort = LauncherProcess.freePort();
    processorHealth = LauncherProcess.freePort();
    dispatcherHealth = LauncherProcess.freePort();
    Map<String, String> api = env();
    api.put("OTP_HTTP_PORT", Integer.toString(httpPort));
    api.put("OTP_HTTP_HOST", "127.0.0.1");
    api.put("OTP_DECISION_TIMEOUT_MS", "20000"); // a loaded build machine, not a speed test
    Map<String, String> processor = env();
    processor.put("OTP_HEALTH_PORT", Integer.toString(processorHealth));
    processor.put("OTP_STATE_DIR", stateDir.toString());
    processor.put("OTP_APPLICATION_ID", "otp-processor");
    Map<String, String> dispatcher = env();
    dispatcher.put("OTP_HEALTH_PORT", Integer.toString(dispatcherHealth));
    dispatcher.put("SMTP_HOST", "localhost");
    dispatcher.put("SMTP_PORT", Integer.toString(smtp.getSmtp().getPort()));
    dispatcher.put("SMTP_FROM", "otp@shop.test");
    // the three start at once, as an orchestrator starts them
    services.add(LauncherProcess.start(api, "api"));
    services.add(LauncherProcess.start(processor, "processor"));
    services.add(LauncherProcess.start(dispatcher, "dispatcher-email"));

    http = new Http("http://127.0.0.1:" + httpPort);
    awaitReady(http, services.get(0));
    awaitReady(new Http("http://127.0.0.1:" + processorHealth), services.get(1));
    awaitReady(new Http("http://127.0.0.1:" + dispatcherHealth), services.get(2));
    System.out.printf(
        "production bootstrap: admin init took %d ms, the three services were ready %d ms later%n",
        (t1 - t0) / 1_000_000, (System.nanoTime() - t1) / 1_000_000);
  }

  @AfterAll
  static void stop() throws Exception {
    for (LauncherProcess p : services) {
      p.close();
    }
    if (smtp != null) {
      smtp.stop();
    }
    if (kafka != null) {
      kafka.close();
    }
    if (stateDir != null) {
      try (var files = Files.walk(stateDir)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  @Test
  void from_an_empty_cluster_the_production_commands_deliver_and_verify_an_otp_over_smtp()
      throws Exception {
    assertTrue(
        firstInit.stderr().contains("topics: " + TOPICS + " of " + TOPICS + " created"),
        firstInit.output());
    assertTopicsHoldWhatOneBrokerCan();

    Apps.App app = Apps.create(http, managementKey, "Production shop", "{}");
    String email = "ada-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
    Http.Response sent =
        http.postJson(
            "/api/v1/otp/send",
            app.liveKey(),
            Map.of("channels", List.of("email"), "recipients", Map.of("email", email)));
    assertEquals(200, sent.status(), sent.raw());
    String token = sent.json().get("data").get("session_token").asText();

    String code = emailCode(email);
    Http.Response wrong =
        http.postJson(
            "/api/v1/otp/verify",
            app.liveKey(),
            Map.of(
                "session_token",
                token,
                "otps",
                Map.of("email", code.equals("000000") ? "111111" : "000000")));
    assertEquals(200, wrong.status(), wrong.raw());
    assertEquals(false, wrong.json().get("data").get("verified").asBoolean(), wrong.raw());
    Http.Response verified =
        http.postJson(
            "/api/v1/otp/verify",
            app.liveKey(),
            Map.of("session_token", token, "otps", Map.of("email", code)));
    assertEquals(200, verified.status(), verified.raw());
    assertTrue(verified.json().get("data").get("verified").asBoolean(), verified.raw());
  }

  @Test
  void running_admin_init_again_creates_no_second_key_and_prints_none() throws Exception {
    LauncherProcess again = LauncherProcess.start(env(), "admin", "init");
    assertEquals(0, again.awaitExit(START), again.output());
    assertTrue(again.stdout().isBlank(), "no key printed:\n" + again.output());
    assertTrue(again.stderr().contains("topics: 0 of " + TOPICS + " created"), again.output());
    assertTrue(again.stderr().contains("1 already in force"), again.output());
    assertEquals(1, managementKeysInForce(), "still one management key");
    assertEquals(200, listApps(managementKey).status(), "the key in force still works");
  }

  @Test
  void rotating_the_management_key_turns_the_old_one_away_and_the_new_one_works() throws Exception {
    String old = managementKey;
    assertEquals(200, listApps(old).status());
    LauncherProcess rotate = LauncherProcess.start(env(), "admin", "rotate-management-key");
    assertEquals(0, rotate.awaitExit(START), rotate.output());
    String fresh = printedKey(rotate);
    assertNotEquals(old, fresh);
    assertTrue(rotate.stderr().contains("1 old key revoked"), rotate.output());

    await().atMost(Duration.ofSeconds(30)).until(() -> listApps(old).status() == 401);
    Http.Response withNew = listApps(fresh);
    assertEquals(200, withNew.status(), "the new key works once the old one is refused");
    managementKey = fresh;
    assertEquals(1, managementKeysInForce(), "the old key is revoked in the catalogue");
    assertEquals(401, listApps(old).status(), listApps(old).raw());
  }

  @Test
  void with_automatic_topic_creation_off_and_no_topics_services_refuse_to_start_naming_them()
      throws Exception {
    String prefix = "absent-" + UUID.randomUUID().toString().substring(0, 8) + ".";
    Map<String, String> env = env();
    env.put("OTP_TOPIC_PREFIX", prefix);
    env.put("OTP_TOPIC_AUTO_CREATE", "false");
    env.put("OTP_HTTP_PORT", Integer.toString(LauncherProcess.freePort()));
    env.put("OTP_HEALTH_PORT", "0");
    env.put("OTP_STATE_DIR", stateDir.resolve("absent").toString());
    env.put("OTP_APPLICATION_ID", prefix + "otp-processor");
    LauncherProcess api = LauncherProcess.start(env, "api");
    LauncherProcess processor = LauncherProcess.start(env, "processor");
    LauncherProcess init = LauncherProcess.start(env, "admin", "init");
    for (LauncherProcess p : List.of(api, processor, init)) {
      try (p) {
        assertNotEquals(0, p.awaitExit(START), p.output());
        String output = p.output();
        assertTrue(output.contains("OTP_TOPIC_AUTO_CREATE=false"), output);
        for (TopicSpec<?, ?> t : new Topics(prefix).all()) {
          assertTrue(output.contains(t.name()), "names " + t.name() + ":\n" + output);
        }
      }
    }
    assertTrue(init.stdout().isBlank(), "no key printed:\n" + init.output());
    try (Admin admin = admin()) {
      Set<String> topics = admin.listTopics().names().get();
      assertTrue(
          topics.stream().noneMatch(t -> t.startsWith(prefix)), "nothing created: " + topics);
    }
  }

  /** The environment every command of this installation gets. */
  private static Map<String, String> env() {
    Map<String, String> env = new HashMap<>();
    env.put("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
    env.put("OTP_SECRET", SECRET);
    return env;
  }

  private static String printedKey(LauncherProcess p) {
    Matcher m = KEY_LINE.matcher(p.stdout());
    assertTrue(m.find(), "a key on a line of its own:\n" + p.output());
    String key = m.group(1);
    assertTrue(!m.find(), "one key only:\n" + p.output());
    assertTrue(!p.stderr().contains(key), "the key only on standard output");
    return key;
  }

  private static void awaitReady(Http health, LauncherProcess p) {
    await()
        .atMost(START)
        .pollInterval(Duration.ofMillis(200))
        .until(
            () -> {
              if (!p.alive()) {
                throw new AssertionError("stopped:\n" + p.output());
              }
              try {
                return health.get("/health/ready").status() == 200;
              } catch (IllegalStateException notListeningYet) {
                return false;
              }
            });
  }

  private static Http.Response listApps(String key) {
    return http.get("/v2/session/apps", Map.of("Authorization", "Bearer " + key));
  }

  /** Management keys not revoked in the catalogue, as the test reads it from the topic. */
  private static long managementKeysInForce() {
    var values = Topics.defaults().apps.valueSerde().deserializer();
    Map<String, ManagementKey> latest = new HashMap<>();
    for (var r : TopicReader.readAll(kafka.bootstrapServers(), Topics.defaults().apps.name())) {
      String key = new String(r.key(), StandardCharsets.UTF_8);
      if (CatalogKeys.is(key, CatalogKeys.MANAGEMENT_KEY)) {
        AppCatalogRecord value = values.deserialize(Topics.APPS, r.value());
        latest.put(key, (ManagementKey) value.getEntry());
      }
    }
    return latest.values().stream().filter(k -> !k.getRevoked()).count();
  }

  private static void assertTopicsHoldWhatOneBrokerCan() throws Exception {
    try (Admin admin = admin()) {
      Topics topics = Topics.defaults();
      List<ConfigResource> resources =
          topics.all().stream()
              .map(t -> new ConfigResource(ConfigResource.Type.TOPIC, t.name()))
              .toList();
      Map<ConfigResource, Config> configs = admin.describeConfigs(resources).all().get();
      for (ConfigResource r : resources) {
        assertEquals(
            "1",
            configs.get(r).get(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG).value(),
            r.name() + " min.insync.replicas");
      }
      admin
          .describeTopics(topics.all().stream().map(TopicSpec::name).toList())
          .allTopicNames()
          .get()
          .values()
          .forEach(
              d ->
                  d.partitions()
                      .forEach(p -> assertEquals(1, p.replicas().size(), d.name() + " replicas")));
    }
  }

  private static Admin admin() {
    return Admin.create(
        Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()));
  }

  /** The code in the mail GreenMail received for {@code email}. */
  private static String emailCode(String email) throws Exception {
    MimeMessage mail =
        await()
            .atMost(Duration.ofSeconds(30))
            .until(
                () ->
                    Arrays.stream(smtp.getReceivedMessages())
                        .filter(m -> to(m).equals(email))
                        .findFirst()
                        .orElse(null),
                m -> m != null);
    assertNotNull(mail);
    MimeMultipart alternative = (MimeMultipart) mail.getContent();
    Matcher m = CODE.matcher((String) alternative.getBodyPart(0).getContent());
    assertTrue(m.find(), "a code in the mail");
    return m.group(1);
  }

  private static String to(MimeMessage m) {
    try {
      return m.getRecipients(Message.RecipientType.TO)[0].toString();
    } catch (Exception e) {
      return "";
    }
  }
}
