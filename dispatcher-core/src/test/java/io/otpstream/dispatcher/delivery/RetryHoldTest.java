package io.otpstream.dispatcher.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

/**
 * The hold of not-due retries, record by record: what comes out when, what is committed, and what
 * the next owner of a partition skips. The worker's use of it on a real cluster is in the e2e
 * module's DeliveryWorkerRetryTest.
 */
class RetryHoldTest {
  private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");
  private static final TopicPartition TP = new TopicPartition("retry", 0);
  private static final RetryPolicy POLICY = new RetryPolicy(Duration.ofSeconds(1), 5);

  private final MockConsumer<String, String> consumer = new MockConsumer<>("earliest");

  private static ConsumerRecord<String, String> retry(long offset, Instant notBefore) {
    RecordHeaders headers = new RecordHeaders();
    RetryHeaders.add(headers, 2, notBefore);
    return new ConsumerRecord<>(
        TP.topic(),
        TP.partition(),
        offset,
        0L,
        TimestampType.CREATE_TIME,
        0,
        0,
        "k",
        "v" + offset,
        headers,
        Optional.empty());
  }

  @SafeVarargs
  private static ConsumerRecords<String, String> poll(ConsumerRecord<String, String>... records) {
    return new ConsumerRecords<>(Map.of(TP, List.of(records)), Map.of());
  }

  private static List<Long> offsets(List<ConsumerRecord<String, String>> records) {
    return records.stream().map(ConsumerRecord::offset).toList();
  }

  @Test
  void a_due_retry_behind_a_later_one_comes_out_at_once() {
    RetryHold<String, String> hold = new RetryHold<>(consumer, POLICY);
    List<ConsumerRecord<String, String>> ready =
        hold.admit(poll(retry(0, T0.plusSeconds(3600)), retry(1, T0)), T0);

    assertEquals(List.of(1L), offsets(ready));
    assertEquals(List.of(), offsets(hold.due(T0.plusSeconds(3599))));
    assertEquals(List.of(0L), offsets(hold.due(T0.plusSeconds(3600))));
    assertEquals(new OffsetAndMetadata(2), hold.offsets().get(TP), "nothing held: all committed");
  }

  @Test
  void the_commit_stays_at_the_oldest_held_retry_and_names_what_is_still_held() {
    RetryHold<String, String> hold = new RetryHold<>(consumer, POLICY);
    hold.admit(poll(retry(5, T0.plusSeconds(60)), retry(6, T0), retry(7, T0.plusSeconds(30))), T0);

    OffsetAndMetadata committed = hold.offsets().get(TP);
    assertEquals(5, committed.offset());
    assertTrue(committed.metadata().startsWith("held1:"), committed.metadata());
  }

  @Test
  void a_new_owner_skips_what_the_old_one_handled_after_a_held_retry() {
    RetryHold<String, String> old = new RetryHold<>(consumer, POLICY);
    old.admit(poll(retry(5, T0.plusSeconds(60)), retry(6, T0), retry(7, T0.plusSeconds(30))), T0);
    consumer.assign(List.of(TP));
    consumer.updateBeginningOffsets(Map.of(TP, 0L));
    consumer.commitSync(old.offsets());

    RetryHold<String, String> next = new RetryHold<>(consumer, POLICY);
    next.assigned(Set.of(TP));
    List<ConsumerRecord<String, String>> ready =
        next.admit(
            poll(
                retry(5, T0.plusSeconds(60)),
                retry(6, T0),
                retry(7, T0.plusSeconds(30)),
                retry(8, T0)),
            T0.plusSeconds(40));

    assertEquals(List.of(7L, 8L), offsets(ready), "6 was handled; 5 is still not due");
    assertEquals(5, next.offsets().get(TP).offset());
    assertEquals(List.of(5L), offsets(next.due(T0.plusSeconds(60))));
    assertEquals(new OffsetAndMetadata(9), next.offsets().get(TP));
  }

  @Test
  void a_partition_holding_too_many_retries_is_paused_until_some_come_due() {
    RetryHold<String, String> hold = new RetryHold<>(consumer, POLICY);
    consumer.assign(List.of(TP));
    @SuppressWarnings("unchecked")
    ConsumerRecord<String, String>[] later = new ConsumerRecord[RetryHold.MAX_HELD];
    for (int i = 0; i < later.length; i++) {
      later[i] = retry(i, T0.plusSeconds(60 + i));
    }
    hold.admit(poll(later), T0);
    assertEquals(Set.of(TP), consumer.paused());

    hold.due(T0.plusSeconds(60));
    assertEquals(Set.of(), consumer.paused());
  }
}
