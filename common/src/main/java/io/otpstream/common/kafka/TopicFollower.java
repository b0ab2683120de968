package io.otpstream.common.kafka;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads every partition of a (compacted) topic from the beginning and then follows it, on a thread
 * of its own, handing each record to {@code apply} (a null value is a tombstone). An entry this
 * version cannot read is skipped. No consumer group: each follower sees the whole topic.
 */
public final class TopicFollower<V> implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(TopicFollower.class);

  private final String topic;
  private final KafkaConsumer<String, V> consumer;
  private final BiConsumer<String, V> apply;
  private final Thread thread;

  /** Per partition, the offset up to which every record has been applied (read committed). */
  private final Map<TopicPartition, Long> applied = new ConcurrentHashMap<>();

  private volatile boolean caughtUp;
  private volatile boolean running = true;

  public TopicFollower(
      KafkaSettings kafka,
      String topic,
      Deserializer<V> values,
      BiConsumer<String, V> apply,
      String threadName) {
    this.topic = topic;
    this.apply = apply;
    Properties p =
        kafka.clientProperties(
            threadName.startsWith("otp-") ? threadName.substring(4) : threadName);
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    // the broker answers a fetch as soon as a record is there; a shorter wait only made idle
    // consumers ask again and again (idle dev process 0.35 -> 0.20 CPU s/s, docs/benchmarks.md)
    p.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 500);
    this.consumer = new KafkaConsumer<>(p, new StringDeserializer(), values);
    this.thread = new Thread(this::run, threadName);
    thread.setDaemon(true);
  }

  public TopicFollower<V> start() {
    thread.start();
    return this;
  }

  /** Has it read everything the topic held when it started, and is it still following? */
  public boolean caughtUp() {
    return caughtUp && thread.isAlive();
  }

  /** Waits until {@link #caughtUp()}, at most {@code timeout}. */
  public void awaitCaughtUp(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!caughtUp) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("did not catch up with " + topic + " within " + timeout);
      }
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
  }

  /**
   * Waits until every record below {@code offsets} (per partition) has been applied, at most {@code
   * timeout}. Records of a transaction still open below them hold it back until it ends: reading
   * committed data, a transaction's records are applied only once it commits.
   */
  public void awaitApplied(Map<TopicPartition, Long> offsets, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!offsets.entrySet().stream()
        .allMatch(e -> applied.getOrDefault(e.getKey(), -1L) >= e.getValue())) {
      if (System.nanoTime() > deadline || !thread.isAlive()) {
        throw new IllegalStateException(
            "did not read "
                + topic
                + " up to "
                + offsets
                + " within "
                + timeout
                + " (at "
                + applied
                + ")");
      }
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
  }

  private void run() {
    try {
      List<TopicPartition> partitions =
          consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
              .map(pi -> new TopicPartition(pi.topic(), pi.partition()))
              .toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> target = consumer.endOffsets(partitions);
      while (running) {
        try {
          for (ConsumerRecord<String, V> r : consumer.poll(Duration.ofMillis(200))) {
            if (r.key() != null) {
              apply.accept(r.key(), r.value());
            }
          }
        } catch (RecordDeserializationException e) {
          log.warn(
              "skipping an unreadable entry of {} at {} offset {}",
              topic,
              e.topicPartition(),
              e.offset());
          consumer.seek(e.topicPartition(), e.offset() + 1);
        }
        for (TopicPartition tp : partitions) {
          applied.put(tp, consumer.position(tp));
        }
        if (!caughtUp
            && target.entrySet().stream().allMatch(e -> applied.get(e.getKey()) >= e.getValue())) {
          caughtUp = true;
        }
      }
    } catch (WakeupException e) {
      // closing
    } catch (RuntimeException e) {
      log.error("stopped following {}", topic, e);
    } finally {
      // no group, no commits: nothing to wait for but the fetch in flight (up to its 500 ms wait)
      consumer.close(CloseOptions.timeout(Duration.ZERO));
    }
  }

  @Override
  public void close() {
    running = false;
    consumer.wakeup();
    try {
      thread.join(5000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
