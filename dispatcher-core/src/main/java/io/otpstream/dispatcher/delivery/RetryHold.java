package io.otpstream.dispatcher.delivery;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * The retries a worker has read but that are not due yet ({@link RetryHeaders#notBefore}), held in
 * memory while it goes on consuming, so a due retry behind a later one goes out on time; both
 * dispatchers' workers (deliveries and webhooks) use it on their poll thread.
 *
 * <p>A partition's committed offset never passes its oldest held record, so a crash or a rebalance
 * loses nothing. The commit's metadata names the records after it that are still held and where
 * reading had got to; the next owner of the partition reads them and skips the others, which were
 * handled: no retry is made twice. At most {@link #MAX_HELD} records are held per partition (the
 * list must fit in the metadata); past that the partition is paused until some come due.
 */
public final class RetryHold<K, V> {
  static final int MAX_HELD = 100;
  private static final String FORMAT = "held1";

  private final Consumer<K, V> consumer;
  private final RetryPolicy retry;
  private final Map<TopicPartition, TreeMap<Long, ConsumerRecord<K, V>>> held = new HashMap<>();

  /** Per partition, the offset after the last record read (handled, held or skipped). */
  private final Map<TopicPartition, Long> next = new HashMap<>();

  /** Held by the previous owner and not read again yet, by partition. */
  private final Map<TopicPartition, TreeSet<Long>> expected = new HashMap<>();

  private final Set<TopicPartition> paused = new HashSet<>();

  public RetryHold(Consumer<K, V> consumer, RetryPolicy retry) {
    this.consumer = consumer;
    this.retry = retry;
  }

  /** The records of a poll to handle now, in order; those not due yet are held. */
  public List<ConsumerRecord<K, V>> admit(ConsumerRecords<K, V> records, Instant now) {
    List<ConsumerRecord<K, V>> ready = new ArrayList<>();
    for (TopicPartition tp : records.partitions()) {
      for (ConsumerRecord<K, V> r : records.records(tp)) {
        long until = next.getOrDefault(tp, -1L);
        TreeSet<Long> previous = expected.get(tp);
        if (previous != null) {
          previous.headSet(r.offset()).clear(); // not read again: gone (retention) meanwhile
        }
        if (r.offset() < until && (previous == null || !previous.remove(r.offset()))) {
          continue; // handled before this partition changed hands
        }
        next.merge(tp, r.offset() + 1, Math::max);
        Instant notBefore = RetryHeaders.notBefore(r);
        if (retry.due(notBefore, now)) {
          ready.add(r);
        } else {
          held.computeIfAbsent(tp, k -> new TreeMap<>()).put(r.offset(), r);
        }
      }
      if (heldCount(tp) >= MAX_HELD && paused.add(tp)) {
        consumer.pause(List.of(tp));
      }
    }
    return ready;
  }

  /** The held records due at {@code now}, by partition and offset; they are no longer held. */
  public List<ConsumerRecord<K, V>> due(Instant now) {
    List<ConsumerRecord<K, V>> ready = new ArrayList<>();
    held.forEach(
        (tp, records) -> {
          Iterator<ConsumerRecord<K, V>> it = records.values().iterator();
          while (it.hasNext()) {
            ConsumerRecord<K, V> r = it.next();
            if (retry.due(RetryHeaders.notBefore(r), now)) {
              ready.add(r);
              it.remove();
            }
          }
        });
    List<TopicPartition> resume = paused.stream().filter(tp -> heldCount(tp) < MAX_HELD).toList();
    if (!resume.isEmpty()) {
      resume.forEach(paused::remove);
      consumer.resume(resume);
    }
    return ready;
  }

  /**
   * What to commit once every record {@link #admit} and {@link #due} returned is handled: per
   * partition read, the oldest held offset (or the consumer's position), with the held offsets in
   * the metadata.
   */
  public Map<TopicPartition, OffsetAndMetadata> offsets() {
    Map<TopicPartition, OffsetAndMetadata> out = new HashMap<>();
    Set<TopicPartition> assigned = consumer.assignment();
    next.forEach(
        (tp, read) -> {
          // the position also steps over transaction markers, which no record shows
          long n = assigned.contains(tp) ? Math.max(read, consumer.position(tp)) : read;
          TreeSet<Long> waiting = new TreeSet<>(expected.getOrDefault(tp, new TreeSet<>()));
          waiting.addAll(held.getOrDefault(tp, new TreeMap<>()).keySet());
          if (waiting.isEmpty()) {
            out.put(tp, new OffsetAndMetadata(n));
            return;
          }
          long base = waiting.first();
          StringBuilder m =
              new StringBuilder(FORMAT).append(':').append(Long.toString(n - base, 36));
          waiting.forEach(o -> m.append(',').append(Long.toString(o - base, 36)));
          out.put(tp, new OffsetAndMetadata(base, m.toString()));
        });
    return out;
  }

  /**
   * Partitions given up: their held records are the next owner's (the commit never passed them).
   */
  public void revoked(Collection<TopicPartition> partitions) {
    partitions.forEach(
        tp -> {
          held.remove(tp);
          next.remove(tp);
          expected.remove(tp);
          paused.remove(tp);
        });
  }

  /**
   * Partitions taken over: reads their commits' metadata, so what the previous owner handled after
   * a record it held is skipped. Called on the poll thread, from the rebalance listener.
   */
  public void assigned(Collection<TopicPartition> partitions) {
    if (partitions.isEmpty()) {
      return;
    }
    consumer
        .committed(Set.copyOf(partitions))
        .forEach(
            (tp, committed) -> {
              if (committed == null
                  || committed.metadata() == null
                  || !committed.metadata().startsWith(FORMAT + ":")) {
                return;
              }
              String[] parts = committed.metadata().substring(FORMAT.length() + 1).split(",");
              long base = committed.offset();
              TreeSet<Long> waiting = new TreeSet<>();
              try {
                for (int i = 1; i < parts.length; i++) {
                  waiting.add(base + Long.parseLong(parts[i], 36));
                }
                next.put(tp, base + Long.parseLong(parts[0], 36));
                expected.put(tp, waiting);
              } catch (NumberFormatException e) {
                next.remove(tp); // not ours: read everything from the committed offset
              }
            });
  }

  private int heldCount(TopicPartition tp) {
    return held.getOrDefault(tp, new TreeMap<>()).size();
  }
}
