package io.otpstream.e2e.registry;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.otpstream.common.kafka.KafkaSettings;
import io.otpstream.common.outbox.Outbox;
import io.otpstream.e2e.support.SchemaRegistry;
import io.otpstream.e2e.support.SharedKafka;
import io.otpstream.e2e.support.TestPipeline;
import io.otpstream.e2e.support.TopicReader;
import io.otpstream.schemas.topics.Topics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kafka Connect reads otpstream's topics as it reads any registry-framed topic: a standalone worker
 * with Apicurio's Avro converter and the file sink turns {@code otp.events} and {@code
 * otp.delivery.status} into one readable row per record, with no schema copied from our jar.
 */
class KafkaConnectTest {
  @BeforeAll
  static void registry() {
    SchemaRegistry.url();
  }

  @Test
  void a_connect_file_sink_writes_events_and_delivery_statuses_as_readable_rows(@TempDir Path dir)
      throws Exception {
    KafkaSettings cluster =
        KafkaSettings.of(SharedKafka.bootstrapServers()).withSchemaRegistry(SchemaRegistry.url());
    Outbox outbox = TestPipeline.newOutbox();
    try (TestPipeline p = LiveSessions.start("connect", cluster, outbox)) {
      LiveSessions.Verified first =
          LiveSessions.sendAndVerify(p, outbox, p.liveKey, "+14155550421");
      LiveSessions.Verified second =
          LiveSessions.sendAndVerify(p, outbox, p.liveKey, "+14155550422");
      Topics topics = p.kafka.topics();
      String events = topics.events.name();
      String statuses = topics.deliveryStatus.name();
      String last = "session_id=" + second.sessionId();

      Path rows = dir.resolve("otp-rows.txt");
      try (FileSinkWorker worker =
          FileSinkWorker.start(
              SharedKafka.bootstrapServers(),
              SchemaRegistry.url(),
              List.of(events, statuses),
              rows,
              dir)) {
        // every record of both topics, one row each, once the last session's rows are there
        List<String> lines =
            await()
                .atMost(Duration.ofSeconds(60))
                .until(
                    () -> lines(rows),
                    l ->
                        l.stream().anyMatch(r -> r.contains(last) && r.contains("state=SENT"))
                            && l.stream()
                                .anyMatch(r -> r.contains(last) && r.contains("type=VERIFIED"))
                            && l.size() == records(events) + records(statuses));
        System.out.println("rows the file sink wrote:\n" + String.join("\n", lines));
        for (LiveSessions.Verified session : List.of(first, second)) {
          String id = "session_id=" + session.sessionId();
          assertTrue(
              lines.stream().anyMatch(l -> l.contains(id) && l.contains("type=SESSION_STARTED")),
              id + " started\n" + String.join("\n", lines));
          assertTrue(
              lines.stream().anyMatch(l -> l.contains(id) && l.contains("type=VERIFIED")),
              id + " verified\n" + String.join("\n", lines));
          assertTrue(
              lines.stream()
                  .anyMatch(
                      l -> l.contains(id) && l.contains("channel=SMS") && l.contains("state=SENT")),
              id + " delivery status\n" + String.join("\n", lines));
          assertTrue(
              lines.stream().noneMatch(l -> l.contains(session.code())),
              "a delivered code in a row\n" + String.join("\n", lines));
        }
      }
    }
  }

  private static int records(String topic) {
    return TopicReader.readAll(SharedKafka.bootstrapServers(), topic).size();
  }

  private static List<String> lines(Path file) throws IOException {
    return Files.exists(file) ? Files.readAllLines(file) : List.of();
  }
}
