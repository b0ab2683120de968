package io.otpstream.e2e.abuse;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.otpstream.common.outbox.Outbox;
import io.otpstream.e2e.support.Http;
import io.otpstream.e2e.support.SharedKafka;
import io.otpstream.e2e.support.TestPipeline;
import io.otpstream.e2e.support.TopicReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;

/**
 * Phone numbers, email addresses and client addresses in the topics: after every kind of request
 * (sends to both channels, a resend, wrong and right checks, the session API, the admin resend), no
 * topic or changelog of the pipeline holds one in clear, in a key, a value or a header. The
 * catalogue ({@code otp.apps}) is the one exception: contacts are a directory the app asked us to
 * keep.
 */
class PersonalDataTest {
  private static final String PHONE = "+33698765432";
  private static final String PHONE_2 = "+33698765433";
  private static final String EMAIL = "Personal.Data+tag@Example.org";
  private static final String CLIENT_IP = "203.0.113.77";
  private static final String END_USER_IP = "198.51.100.177";
  private static final String IPV6 = "2001:db8:abcd:12::77";

  @Test
  void no_topic_or_changelog_holds_a_destination_or_a_client_address_in_clear() throws Exception {
    Outbox outbox = TestPipeline.newOutbox();
    try (TestPipeline pipeline = TestPipeline.start("pii", outbox)) {
      Http http = new Http(pipeline.baseUrl());
      Http.Response sent =
          http.post(
              "/api/v1/otp/send",
              Map.of(
                  "X-API-Key",
                  pipeline.liveKey,
                  "X-Forwarded-For",
                  CLIENT_IP,
                  "X-End-User-IP",
                  END_USER_IP,
                  "Idempotency-Key",
                  "pii-1"),
              "{\"channels\": [\"sms\", \"email\"], \"recipients\": {\"sms\": \""
                  + PHONE
                  + "\", \"email\": \""
                  + EMAIL
                  + "\"}}");
      assertEquals(200, sent.status(), sent.raw());
      String token = sent.json().get("data").get("session_token").asText();
      assertEquals(
          200,
          http.post(
                  "/api/v1/otp/resend",
                  Map.of("X-API-Key", pipeline.liveKey, "X-Forwarded-For", CLIENT_IP),
                  "{\"session_token\": \"" + token + "\"}")
              .status());
      assertEquals(
          200,
          http.post(
                  "/api/v1/otp/verify",
                  Map.of("X-API-Key", pipeline.liveKey, "X-Forwarded-For", IPV6),
                  "{\"session_token\": \"" + token + "\", \"otps\": {\"sms\": \"000000\"}}")
              .status());
      Map<String, String> session =
          Map.of(
              "Host",
              pipeline.appId + ".localhost",
              "Content-Type",
              "application/json",
              "X-Forwarded-For",
              IPV6);
      assertEquals(
          204,
          http.exchange(
                  "POST",
                  "/v1/session/login/otp",
                  session,
                  "{\"identifier\": {\"type\": \"phone_number\", \"value\": \"" + PHONE_2 + "\"}}")
              .status());
      assertEquals(
          200,
          http.exchange(
                  "POST",
                  "/v1/otp/resend",
                  Map.of(
                      "Host",
                      pipeline.appId + ".localhost",
                      "Content-Type",
                      "application/json",
                      "Authorization",
                      "Bearer " + pipeline.managementKey,
                      "X-Forwarded-For",
                      CLIENT_IP),
                  "{\"phoneNumber\": \"" + PHONE_2 + "\"}")
              .status());
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> outbox.list().size() >= 6); // 2 + 2 + 1 + 1 messages

      List<String> topics = topicsOf(pipeline);
      Set<String> leaks = new TreeSet<>();
      for (String topic : topics) {
        for (ConsumerRecord<byte[], byte[]> r :
            TopicReader.readAll(SharedKafka.bootstrapServers(), topic)) {
          List<byte[]> parts = new ArrayList<>();
          parts.add(r.key());
          parts.add(r.value());
          for (Header h : r.headers()) {
            parts.add(h.value());
          }
          for (byte[] part : parts) {
            String text =
                part == null ? "" : new String(part, StandardCharsets.ISO_8859_1).toLowerCase();
            for (String secret :
                List.of(
                    PHONE.substring(1),
                    PHONE_2.substring(1),
                    "personal.data",
                    "example.org",
                    CLIENT_IP,
                    END_USER_IP,
                    IPV6,
                    "2001:db8:abcd:12:0:0:0:77")) {
              if (text.contains(secret)) {
                leaks.add(topic + " holds " + secret);
              }
            }
          }
        }
      }
      assertTrue(
          topics.stream().anyMatch(t -> t.endsWith("otp.commands"))
              && topics.stream().anyMatch(t -> t.endsWith("-changelog")),
          "scanned " + topics);
      assertEquals(Set.of(), leaks);
    }
  }

  /** Every topic of this pipeline, changelogs included, but the catalogue. */
  private static List<String> topicsOf(TestPipeline pipeline) throws Exception {
    try (Admin admin = Admin.create(pipeline.kafka.clientProperties())) {
      return admin.listTopics().names().get().stream()
          .filter(
              t ->
                  t.startsWith(pipeline.kafka.topics().prefix())
                      || t.startsWith(pipeline.applicationId))
          .filter(t -> !t.equals(pipeline.kafka.topics().apps.name()))
          .sorted()
          .toList();
    }
  }
}
