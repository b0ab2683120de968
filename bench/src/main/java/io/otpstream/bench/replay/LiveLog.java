package io.otpstream.bench.replay;

import io.otpstream.common.kafka.KafkaSettings;
import io.otpstream.launcher.replay.CommittedOffsets;
import io.otpstream.schemas.delivery.DeliveryRequested;
import io.otpstream.schemas.topics.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Consumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The recorded log as the bench watches it: when the live processor has decided everything written
 * to its four input topics (it writes to three of them itself, so until that stops changing), the
 * deliveries it requested since last asked (what the dispatchers would send), and how many records
 * a set of topics holds.
 */
final class LiveLog implements AutoCloseable {
  private static final Duration POLL = Duration.ofMillis(100);
  private final Topics topics;
  private final Admin admin;
  private final KafkaConsumer<byte[], byte[]> tails;
  private final KafkaConsumer<byte[], byte[]> deliveries;

  LiveLog(KafkaSettings kafka) {
    this.topics = kafka.topics();
    this.admin = Admin.create(kafka.clientProperties("bench-admin"));
    this.tails = consumer(kafka, "bench-tails");
    this.deliveries = consumer(kafka, "bench-deliveries");
    List<TopicPartition> parts = new ArrayList<>();
    parts.addAll(partitions(deliveries, topics.deliverySms.name()));
    parts.addAll(partitions(deliveries, topics.deliveryEmail.name()));
    deliveries.assign(parts);
    deliveries.seekToBeginning(parts);
  }

  private static KafkaConsumer<byte[], byte[]> consumer(KafkaSettings kafka, String role) {
    Properties p = kafka.clientProperties(role);
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
    return new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
  }

  /** The four topics the processor reads. */
  List<String> inputs() {
    return List.of(
        topics.quota.name(),
        topics.requests.name(),
        topics.commands.name(),
        topics.deliveryStatus.name());
  }

  /**
   * Waits until {@code applicationId} has committed past the last record of each input partition,
   * and that last record no longer moves (what it decided is written, and read in turn).
   */
  void awaitSettled(String applicationId, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    Map<TopicPartition, Long> before = null;
    Map<TopicPartition, Long> now = lastRecords();
    while (!now.equals(before)) {
      while (!CommittedOffsets.past(admin, applicationId, now)) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("the live processor did not settle within " + timeout);
        }
        // each look is an offset fetch: every 20 ms, its admin thread held a tenth of the samples
        Thread.sleep(100); // of a profile of the recording
      }
      before = now;
      now = lastRecords();
    }
  }

  /** Every delivery the processor requested since the last call. */
  void newDeliveries(Consumer<DeliveryRequested> each) {
    var values = topics.deliverySms.valueSerde().deserializer();
    Map<TopicPartition, Long> end = deliveries.endOffsets(deliveries.assignment());
    while (end.entrySet().stream().anyMatch(e -> deliveries.position(e.getKey()) < e.getValue())) {
      for (ConsumerRecord<byte[], byte[]> r : deliveries.poll(POLL)) {
        each.accept(values.deserialize(r.topic(), r.value()));
      }
    }
  }

  /** The committed records of {@code names}, read from their beginning (markers not counted). */
  long count(List<String> names) {
    List<TopicPartition> parts = new ArrayList<>();
    names.forEach(t -> parts.addAll(partitions(tails, t)));
    tails.assign(parts);
    tails.seekToBeginning(parts);
    Map<TopicPartition, Long> end = tails.endOffsets(parts);
    long n = 0;
    while (parts.stream().anyMatch(tp -> tails.position(tp) < end.get(tp))) {
      n += tails.poll(POLL).count();
    }
    tails.unsubscribe();
    return n;
  }

  /** The offset of the last committed record of each non-empty input partition (from its tail). */
  private Map<TopicPartition, Long> lastRecords() {
    List<TopicPartition> parts = new ArrayList<>();
    inputs().forEach(t -> parts.addAll(partitions(tails, t)));
    tails.assign(parts);
    Map<TopicPartition, Long> begin = tails.beginningOffsets(parts);
    Map<TopicPartition, Long> end = tails.endOffsets(parts);
    Map<TopicPartition, Long> last = new HashMap<>();
    for (TopicPartition tp : parts) {
      tails.seek(tp, Math.max(begin.get(tp), end.get(tp) - 64));
    }
    while (parts.stream().anyMatch(tp -> tails.position(tp) < end.get(tp))) {
      for (ConsumerRecord<byte[], byte[]> r : tails.poll(POLL)) {
        TopicPartition tp = new TopicPartition(r.topic(), r.partition());
        if (r.offset() < end.get(tp)) {
          last.merge(tp, r.offset(), Math::max);
        }
      }
    }
    tails.unsubscribe();
    return last;
  }

  private static List<TopicPartition> partitions(KafkaConsumer<?, ?> c, String topic) {
    return c.partitionsFor(topic, Duration.ofSeconds(30)).stream()
        .map(i -> new TopicPartition(topic, i.partition()))
        .toList();
  }

  @Override
  public void close() {
    tails.close();
    deliveries.close();
    admin.close();
  }
}
