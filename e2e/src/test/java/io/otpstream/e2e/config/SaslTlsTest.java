package io.otpstream.e2e.config;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.otpstream.common.kafka.KafkaSettings;
import io.otpstream.common.outbox.Outbox;
import io.otpstream.common.outbox.OutboxMessage;
import io.otpstream.common.secret.Secrets;
import io.otpstream.dispatcher.provider.OutboxProvider;
import io.otpstream.e2e.support.Http;
import io.otpstream.e2e.support.SecureKafka;
import io.otpstream.e2e.support.TestPipeline;
import io.otpstream.launcher.Main;
import io.otpstream.schemas.apps.AppSettings;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The services on a cluster whose only listener requires SASL (PLAIN) over TLS, configured as an
 * operator would: a client properties file ({@code OTP_KAFKA_CONFIG_FILE}) and the credentials in
 * {@code KAFKA_SASL_JAAS_CONFIG}. And services that cannot log in stop at once, saying why.
 */
class SaslTlsTest {
  private static final Pattern CODE = Pattern.compile("\\b(\\d{6})\\b");
  private static SecureKafka kafka;

  @BeforeAll
  static void start() throws Exception {
    kafka = SecureKafka.start();
  }

  @AfterAll
  static void stop() throws Exception {
    if (kafka != null) {
      kafka.close();
    }
  }

  record Run(int exit, String err) {}

  /** Runs {@code otpstream <command>} in this JVM; it must fail, within 60 s. */
  private static Run refused(Map<String, String> env, String command) {
    Map<String, String> all = new HashMap<>(env);
    all.put("OTP_SECRET", Secrets.generate());
    all.put("OTP_KAFKA_WAIT_MS", "8000");
    all.put("OTP_HEALTH_PORT", "0");
    all.put("OTP_TOPIC_PREFIX", "refused-" + UUID.randomUUID().toString().substring(0, 8) + ".");
    StringWriter err = new StringWriter();
    int exit =
        assertTimeoutPreemptively(
            Duration.ofSeconds(60),
            () ->
                Main.commandLine(
                        all, new PrintWriter(new StringWriter(), true), new PrintWriter(err, true))
                    .execute(command));
    assertFalse(err.toString().contains("\tat "), err.toString());
    return new Run(exit, err.toString());
  }

  @Test
  void the_services_send_and_verify_a_code_over_sasl_and_tls() throws Exception {
    Map<String, String> env =
        new HashMap<>(kafka.serviceEnv(SecureKafka.USER, SecureKafka.PASSWORD));
    env.put("KAFKA_CLIENT_ID", "acme-otp");
    KafkaSettings settings = KafkaSettings.fromEnv(env);
    assertEquals("SASL_SSL", settings.extra().get("security.protocol"));
    assertFalse(settings.toString().contains(SecureKafka.PASSWORD), settings.toString());
    Outbox outbox = TestPipeline.newOutbox();
    try (TestPipeline pipeline =
        TestPipeline.start(
            "sasl-tls",
            settings,
            new OutboxProvider(outbox, "sms", Clock.systemUTC()),
            new OutboxProvider(outbox, "email", Clock.systemUTC()),
            s -> AppSettings.newBuilder(s).setVersion(1).setResendCooldownSeconds(0).build())) {
      Http http = new Http(pipeline.baseUrl());
      String phone = "+14155559876";
      Http.Response sent =
          http.postJson(
              "/api/v1/otp/send",
              pipeline.liveKey,
              Map.of("channels", List.of("sms"), "recipients", Map.of("sms", phone)));
      assertEquals(200, sent.status(), sent.raw());
      String token = sent.json().get("data").get("session_token").asText();
      String code =
          await()
              .atMost(Duration.ofSeconds(30))
              .until(
                  () ->
                      outbox.list().stream()
                          .filter(m -> m.to().equals(phone))
                          .map(OutboxMessage::body)
                          .map(SaslTlsTest::code)
                          .findFirst()
                          .orElse(null),
                  c -> c != null);
      Http.Response ok =
          http.postJson(
              "/api/v1/otp/verify",
              pipeline.liveKey,
              Map.of("session_token", token, "otps", Map.of("sms", code)));
      assertEquals(200, ok.status(), ok.raw());
      JsonNode data = ok.json().get("data");
      assertTrue(data.get("verified").asBoolean(), ok.raw());
    }
  }

  @Test
  void a_service_without_credentials_stops_and_says_why_instead_of_waiting_forever()
      throws Exception {
    Run plain = refused(Map.of("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers()), "processor");
    assertEquals(1, plain.exit(), plain.err());
    assertTrue(
        plain.err().contains("no answer from Kafka at " + kafka.bootstrapServers()), plain.err());
    assertTrue(plain.err().contains("security.protocol PLAINTEXT"), plain.err());

    Run noLogin =
        refused(
            Map.of(
                "KAFKA_BOOTSTRAP_SERVERS",
                kafka.bootstrapServers(),
                "OTP_KAFKA_CONFIG_FILE",
                kafka.clientConfigFile().toString()),
            "api");
    assertEquals(1, noLogin.exit(), noLogin.err());
    assertTrue(noLogin.err().contains("cannot set up a Kafka client"), noLogin.err());
    assertTrue(noLogin.err().contains("JAAS"), noLogin.err());
  }

  @Test
  void a_service_with_a_wrong_password_is_refused_without_showing_it() throws Exception {
    Map<String, String> env = new HashMap<>(kafka.serviceEnv(SecureKafka.USER, "wrong-pw-4242"));
    env.put("OTP_OUTBOX_FILE", Files.createTempDirectory("otp").resolve("o.jsonl").toString());
    Run r = refused(env, "dispatcher-email");
    assertEquals(1, r.exit(), r.err());
    assertTrue(r.err().contains("refused this service's credentials"), r.err());
    assertFalse(r.err().contains("wrong-pw-4242"), r.err());
    assertFalse(r.err().contains(kafka.truststorePassword()), r.err());
  }

  @Test
  void the_api_refuses_a_reply_partition_the_reply_topic_does_not_have() throws Exception {
    Map<String, String> env =
        new HashMap<>(kafka.serviceEnv(SecureKafka.USER, SecureKafka.PASSWORD));
    env.put("OTP_REPLY_PARTITION", "99");
    Run r = refused(env, "api");
    assertEquals(2, r.exit(), r.err());
    assertTrue(
        r.err().contains("OTP_REPLY_PARTITION (--reply-partition) must be from 0 to "), r.err());
    assertTrue(r.err().contains("not 99"), r.err());
  }

  private static String code(String body) {
    Matcher m = CODE.matcher(body);
    return m.find() ? m.group(1) : null;
  }
}
