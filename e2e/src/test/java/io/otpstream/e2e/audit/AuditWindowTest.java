package io.otpstream.e2e.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.otpstream.common.json.Json;
import io.otpstream.common.kafka.KafkaSettings;
import io.otpstream.e2e.support.SharedKafka;
import io.otpstream.launcher.Main;
import io.otpstream.schemas.audit.AuditEvent;
import io.otpstream.schemas.audit.AuditType;
import io.otpstream.schemas.decision.Outcome;
import io.otpstream.schemas.topics.TopicBootstrap;
import io.otpstream.schemas.topics.Topics;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code otpstream audit app --since/--until} over an audit log of three days (each record stamped
 * with its event's time, as the processor writes them): the timeline holds the window's events
 * only, and the scan reads only the window's records, found with the broker's time index, not the
 * whole log.
 */
class AuditWindowTest {
  private static final String APP = "app-window";
  private static final Instant FIRST = Instant.parse("2026-11-01T12:00:00Z");
  private static final Instant SECOND = Instant.parse("2026-11-20T12:00:00Z");
  private static final Instant THIRD = Instant.parse("2026-11-28T12:00:00Z");

  private static KafkaSettings kafka;

  @BeforeAll
  static void recordThreeDays() throws Exception {
    kafka =
        KafkaSettings.of(SharedKafka.bootstrapServers())
            .withPrefix("audit-window-" + UUID.randomUUID().toString().substring(0, 8) + ".");
    Topics topics = kafka.topics();
    try (Admin admin = Admin.create(kafka.clientProperties())) {
      TopicBootstrap.ensure(admin, topics, (short) 1);
    }
    Properties p = kafka.clientProperties("audit-window-test");
    // one batch at a time: a fresh topic's first produce may meet a partition without a leader yet
    p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1);
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false);
    try (KafkaProducer<String, AuditEvent> producer =
        new KafkaProducer<>(p, new StringSerializer(), topics.events.valueSerde().serializer())) {
      write(producer, topics, FIRST, 200);
      write(producer, topics, SECOND, 5);
      write(producer, topics, THIRD, 100);
      producer.flush();
    }
  }

  private static void write(
      KafkaProducer<String, AuditEvent> producer, Topics topics, Instant day, int events) {
    for (int i = 0; i < events; i++) {
      Instant at = day.plusSeconds(i);
      AuditEvent e =
          AuditEvent.newBuilder()
              .setType(AuditType.SESSION_STARTED)
              .setOutcome(Outcome.STARTED)
              .setRequestId("req_" + at.toEpochMilli())
              .setOccurredAt(at)
              .setAppId(APP)
              .setSubjectId("sub_" + (i % 7))
              .setSessionId("ses_" + at.toEpochMilli())
              .build();
      producer.send(
          new ProducerRecord<>(topics.events.name(), null, at.toEpochMilli(), e.getSubjectId(), e));
    }
  }

  @Test
  void a_window_of_one_day_shows_that_day_and_reads_only_its_records() throws Exception {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code =
        Main.commandLine(
                Map.of(
                    "KAFKA_BOOTSTRAP_SERVERS", SharedKafka.bootstrapServers(),
                    "OTP_TOPIC_PREFIX", kafka.topicPrefix()),
                new PrintWriter(out),
                new PrintWriter(err))
            .execute(
                "audit", "app", APP, "--since", "2026-11-20", "--until", "2026-11-20", "--json");

    assertEquals(0, code, err.toString());
    List<String> lines = out.toString().lines().toList();
    assertEquals(5, lines.size(), out.toString());
    for (String line : lines) {
      Instant t = Instant.parse(Json.MAPPER.readTree(line).get("occurred_at").asText());
      assertTrue(!t.isBefore(SECOND) && t.isBefore(SECOND.plus(Duration.ofDays(1))), line);
    }
    assertTrue(
        err.toString().contains("5 events of app " + APP + ", of 5 records read"), err.toString());
  }

  @Test
  void an_open_ended_window_reads_from_its_start_to_the_end_of_the_log() {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code =
        Main.commandLine(
                Map.of(
                    "KAFKA_BOOTSTRAP_SERVERS", SharedKafka.bootstrapServers(),
                    "OTP_TOPIC_PREFIX", kafka.topicPrefix()),
                new PrintWriter(out),
                new PrintWriter(err))
            .execute("audit", "app", APP, "--since", "2026-11-20T11:00:00Z", "--json");

    assertEquals(0, code, err.toString());
    assertEquals(105, out.toString().lines().count(), out.toString());
    assertTrue(err.toString().contains("of 105 records read"), err.toString());
  }
}
