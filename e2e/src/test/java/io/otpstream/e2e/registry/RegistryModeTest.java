package io.otpstream.e2e.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.otpstream.common.kafka.KafkaSettings;
import io.otpstream.common.outbox.Outbox;
import io.otpstream.e2e.support.Http;
import io.otpstream.e2e.support.SchemaRegistry;
import io.otpstream.e2e.support.SharedKafka;
import io.otpstream.e2e.support.TestPipeline;
import io.otpstream.e2e.support.TopicReader;
import io.otpstream.schemas.audit.AuditEvent;
import io.otpstream.schemas.audit.AuditType;
import io.otpstream.schemas.serde.Framing;
import io.otpstream.schemas.topics.TopicSpec;
import io.otpstream.schemas.topics.Topics;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Registry mode against a real Apicurio Registry server (its own process) and the real in-JVM
 * Kafka: values in the Confluent wire format, schemas under {@code <topic>-value} with the BACKWARD
 * rule and ids the registry's Confluent-compatible API resolves; and a switch-over from
 * single-object encoding on the same topics, where the services read both framings.
 */
class RegistryModeTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The registry first: without one (built with -Dno-registry) the class is skipped at once. */
  @BeforeAll
  static void registry() {
    SchemaRegistry.url();
  }

  @Test
  void registry_mode_sends_are_decided_and_delivered_in_registry_framing() throws Exception {
    KafkaSettings cluster =
        KafkaSettings.of(SharedKafka.bootstrapServers()).withSchemaRegistry(SchemaRegistry.url());
    Outbox outbox = TestPipeline.newOutbox();
    try (TestPipeline p = LiveSessions.start("registry", cluster, outbox)) {
      LiveSessions.sendAndVerify(p, outbox, p.liveKey, "+14155550401");
      Topics topics = p.kafka.topics();
      List<ConsumerRecord<byte[], byte[]>> events = eventsUntilVerified(p, 1);
      assertEquals(Set.of(Framing.REGISTRY), framings(events), "every event in registry framing");
      List<ConsumerRecord<byte[], byte[]>> statuses =
          TopicReader.readUntil(
              SharedKafka.bootstrapServers(), topics.deliveryStatus.name(), l -> !l.isEmpty());
      assertEquals(Set.of(Framing.REGISTRY), framings(statuses));

      String subject = topics.events.name() + "-value";
      JsonNode subjects = JSON.readTree(SchemaRegistry.get("/apis/ccompat/v7/subjects"));
      assertTrue(subjects.toString().contains("\"" + subject + "\""), subjects.toString());
      assertTrue(
          subjects.toString().contains("\"" + topics.deliveryStatus.name() + "-value\""),
          subjects.toString());
      JsonNode config =
          JSON.readTree(
              SchemaRegistry.get(
                  "/apis/ccompat/v7/config/" + URLEncoder.encode(subject, StandardCharsets.UTF_8)));
      assertEquals("BACKWARD", config.get("compatibilityLevel").asText(), config.toString());
      // the 4-byte id is a Confluent schema id: the registry's Confluent API serves its schema
      int id = Framing.schemaId(events.get(0).value());
      JsonNode schema = JSON.readTree(SchemaRegistry.get("/apis/ccompat/v7/schemas/ids/" + id));
      JsonNode parsed = JSON.readTree(schema.get("schema").asText());
      assertEquals("AuditEvent", parsed.get("name").asText(), schema.toString());
    }
  }

  @Test
  void a_switch_over_reads_both_framings_on_one_topic() throws Exception {
    KafkaSettings plain = KafkaSettings.of(SharedKafka.bootstrapServers());
    Outbox outbox = TestPipeline.newOutbox();
    TestPipeline before = LiveSessions.start("switch", plain, outbox);
    LiveSessions.sendAndVerify(before, outbox, before.liveKey, "+14155550411");
    eventsUntilVerified(before, 1);

    KafkaSettings registry = before.kafka.withSchemaRegistry(SchemaRegistry.url());
    try (TestPipeline after = before.restartWith(registry)) {
      // the app and its keys were written single-object; a key made now is registry-framed
      String newKey = newLiveKey(after);
      LiveSessions.sendAndVerify(after, outbox, after.liveKey, "+14155550412");
      LiveSessions.sendAndVerify(after, outbox, newKey, "+14155550413");

      Topics topics = registry.topics();
      List<ConsumerRecord<byte[], byte[]>> events = eventsUntilVerified(after, 3);
      assertEquals(Set.of(Framing.SINGLE_OBJECT, Framing.REGISTRY), framings(events));
      List<AuditEvent> read = decodeAll(topics.events, events);
      assertEquals(
          3, read.stream().filter(e -> e.getType() == AuditType.VERIFIED).count(), "" + read);
      List<ConsumerRecord<byte[], byte[]>> apps =
          TopicReader.readAll(SharedKafka.bootstrapServers(), topics.apps.name());
      assertEquals(Set.of(Framing.SINGLE_OBJECT, Framing.REGISTRY), framings(apps));
      decodeAll(topics.apps, apps);

      // single-object mode cannot resolve a registry id, and says what to set
      byte[] framed =
          events.stream()
              .filter(r -> Framing.of(r.value()) == Framing.REGISTRY)
              .findFirst()
              .orElseThrow()
              .value();
      SerializationException e =
          assertThrows(
              SerializationException.class,
              () ->
                  plain
                      .withPrefix(registry.topicPrefix())
                      .topics()
                      .events
                      .valueSerde()
                      .deserializer()
                      .deserialize(topics.events.name(), framed));
      assertTrue(e.getMessage().contains("OTP_SCHEMA_REGISTRY_URL"), e.getMessage());
    }
  }

  private static String newLiveKey(TestPipeline p) {
    Http.Response r =
        new Http(p.baseUrl())
            .exchange(
                "POST",
                "/v2/session/apps/" + p.appId + "/keys",
                Map.of(
                    "Authorization",
                    "Bearer " + p.managementKey,
                    "Content-Type",
                    "application/json"),
                "{\"mode\": \"live\"}");
    assertEquals(201, r.status(), r.raw());
    return r.json().get("key").asText();
  }

  /** The raw events once {@code verified} sessions are verified there. */
  private static List<ConsumerRecord<byte[], byte[]>> eventsUntilVerified(
      TestPipeline p, int verified) {
    Topics topics = p.kafka.topics();
    return TopicReader.readUntil(
        SharedKafka.bootstrapServers(),
        topics.events.name(),
        l ->
            decodeAll(topics.events, l).stream()
                    .filter(e -> e.getType() == AuditType.VERIFIED)
                    .count()
                >= verified);
  }

  private static <V> List<V> decodeAll(
      TopicSpec<String, V> topic, List<ConsumerRecord<byte[], byte[]>> records) {
    return records.stream()
        .filter(r -> r.value() != null)
        .map(r -> topic.valueSerde().deserializer().deserialize(topic.name(), r.value()))
        .toList();
  }

  private static Set<Framing> framings(List<ConsumerRecord<byte[], byte[]>> records) {
    return records.stream()
        .filter(r -> r.value() != null)
        .map(r -> Framing.of(r.value()))
        .collect(Collectors.toSet());
  }
}
