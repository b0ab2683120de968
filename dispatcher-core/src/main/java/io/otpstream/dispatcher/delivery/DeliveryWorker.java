package io.otpstream.dispatcher.delivery;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.otpstream.common.code.OtpCodes;
import io.otpstream.common.destination.SealedDestinations;
import io.otpstream.common.kafka.KafkaSettings;
import io.otpstream.dispatcher.provider.DeliveryProvider;
import io.otpstream.dispatcher.template.MessageRenderer;
import io.otpstream.schemas.delivery.DeliveryRequested;
import io.otpstream.schemas.topics.TopicSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One dispatcher instance: a member of the channel's consumer group on its delivery topic and its
 * retry topic. For each DeliveryRequested it:
 *
 * <ul>
 *   <li>skips it when this channel already sent it (the {@code otp.delivery.sent} marker of its
 *       partition, read when the partition is assigned): never twice after a rebalance, a crash or
 *       a restart, except the one message in flight when a process dies;
 *   <li>drops it when its code has expired (EXPIRED): never late;
 *   <li>otherwise derives the code, renders and sends it, at most {@code ratePerSecond} a second
 *       and {@code maxInFlight} at once, then writes the marker (synchronously) and SENT;
 *   <li>on a transient failure, writes it to the retry topic with a later not-before (RETRYING)
 *       instead of waiting, so other deliveries go on; a permanent failure, or the last attempt,
 *       goes to the dead-letter topic (DEAD_LETTERED): never lost.
 * </ul>
 *
 * Offsets are committed after the batch's statuses are written.
 *
 * <p>This class is the poll loop: the group membership, the sender threads, and the commit. A retry
 * that is not due yet waits in a {@link RetryHold} while the worker goes on reading, so a due one
 * behind it is not held up. One delivery is sent by {@link DeliverySender}; what became of it is
 * written by {@link DeliveryOutcomes}; the time decisions are {@link RetryPolicy}'s.
 */
public final class DeliveryWorker implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(DeliveryWorker.class);

  /** Which channel this worker serves, in which consumer group, and how. */
  public record Config(
      KafkaSettings kafka, String channel, String groupId, DeliveryTuning tuning) {}

  private final Config config;
  private final TopicSpec<String, DeliveryRequested> topic;
  private final TopicSpec<String, DeliveryRequested> retryTopic;
  private final DeliveryProvider provider;
  private final Clock clock;
  private final RetryPolicy retry;
  private final KafkaConsumer<String, DeliveryRequested> consumer;
  private final SentMarkers markers;
  private final DeliveryOutcomes outcomes;
  private final DeliverySender sender;
  private final ReceiptMatcher receipts;
  private final ExecutorService senders;
  private final Thread thread;
  private final KafkaClientMetrics consumerMetrics;
  private volatile boolean running = true;
  private final Assignments assignments;
  private final RetryHold<String, DeliveryRequested> hold;

  /**
   * Counts its outcomes ({@code otp.deliveries}) into {@code registry} and binds there its
   * consumer's and producer's metrics (among them the consumer's lag) and, when the provider has
   * meters (a circuit breaker), the provider's.
   */
  public DeliveryWorker(
      Config config,
      TopicSpec<String, DeliveryRequested> topic,
      TopicSpec<String, DeliveryRequested> retryTopic,
      OtpCodes codes,
      SealedDestinations destinations,
      MessageRenderer renderer,
      DeliveryProvider provider,
      Clock clock,
      MeterRegistry registry) {
    this.config = config;
    this.topic = topic;
    this.retryTopic = retryTopic;
    this.provider = provider;
    this.clock = clock;
    this.retry = RetryPolicy.of(config.tuning());
    this.consumer =
        new KafkaConsumer<>(
            WorkerConsumer.properties(config),
            new StringDeserializer(),
            topic.valueSerde().deserializer());
    this.consumerMetrics = new KafkaClientMetrics(consumer);
    consumerMetrics.bindTo(registry);
    if (provider instanceof MeterBinder meters) {
      meters.bindTo(registry);
    }
    this.markers =
        new SentMarkers(config.kafka(), config.channel(), config.kafka().topics().deliverySent);
    this.hold = new RetryHold<>(consumer, retry);
    this.assignments = new Assignments(markers, hold);
    this.outcomes =
        new DeliveryOutcomes(
            config.kafka(),
            config.channel(),
            retryTopic,
            provider.name(),
            clock,
            retry,
            markers,
            registry);
    // receipts are matched whichever instance sent the message (its marker says)
    this.receipts =
        provider.receipts()
            ? ReceiptMatcher.following(config.kafka(), config.channel(), clock, outcomes::receipt)
            : null;
    if (receipts != null) {
      provider.receiptsTo(receipts);
    }
    this.sender =
        new DeliverySender(
            config.channel(),
            config.tuning().ratePerSecond(),
            provider,
            new MessageComposer(codes, destinations, renderer),
            clock,
            retry,
            markers,
            outcomes,
            receipts);
    this.senders =
        Executors.newFixedThreadPool(
            Math.max(1, config.tuning().maxInFlight()),
            r -> {
              Thread t = new Thread(r, "otp-" + config.channel() + "-sender");
              t.setDaemon(true);
              return t;
            });
    this.thread = new Thread(this::run, "otp-dispatcher-" + config.groupId());
  }

  public void start() {
    thread.start();
  }

  private void run() {
    try {
      consumer.subscribe(List.of(topic.name(), retryTopic.name()), assignments);
      while (running) {
        ConsumerRecords<String, DeliveryRequested> records;
        try {
          records = consumer.poll(Duration.ofMillis(100));
        } catch (RecordDeserializationException e) {
          log.warn(
              "skipping an unreadable delivery at {} offset {}", e.topicPartition(), e.offset());
          consumer.seek(e.topicPartition(), e.offset() + 1);
          continue;
        }
        Instant now = clock.instant();
        List<ConsumerRecord<String, DeliveryRequested>> ready = new ArrayList<>(hold.due(now));
        ready.addAll(hold.admit(records, now));
        if (records.isEmpty() && ready.isEmpty()) {
          continue;
        }
        if (!handle(ready)) {
          // a status, retry or dead letter could not be written: do not commit past it; stop, so
          // the
          // process's health fails and a restart (or another instance) takes the records again
          log.error(
              "dispatcher {} could not record the outcome of a delivery; stopping",
              config.channel());
          running = false;
          break;
        }
        try {
          consumer.commitSync(hold.offsets());
        } catch (CommitFailedException | RebalanceInProgressException | RetriableException e) {
          // the group moved on: the records go to their new owner, whose markers skip what was sent
          // here
          log.warn(
              "dispatcher {} could not commit ({}); the partitions' new owner takes over",
              config.channel(),
              e.toString());
        }
      }
    } catch (WakeupException e) {
      // closing
    } catch (RuntimeException e) {
      log.error("dispatcher {} stopped", config.channel(), e);
    } finally {
      // the thread ends here: an interrupt that stopped it must not also stop the group leave
      Thread.interrupted();
      consumer.close();
    }
  }

  /** Sends the records due now on the sender threads; true once every outcome is written. */
  private boolean handle(List<ConsumerRecord<String, DeliveryRequested>> ready) {
    List<Future<?>> batch = new ArrayList<>();
    for (ConsumerRecord<String, DeliveryRequested> r : ready) {
      if (r.value() != null) {
        int attempt = RetryHeaders.attempt(r);
        batch.add(senders.submit(() -> sender.handle(r.value(), r.partition(), attempt)));
      }
    }
    boolean complete = true;
    for (Future<?> f : batch) {
      complete &= await(f);
    }
    outcomes.flush();
    return complete;
  }

  /**
   * Waits for one delivery, less than the consumer's poll interval; false when it failed or hangs.
   */
  private static boolean await(Future<?> f) {
    try {
      f.get(4, TimeUnit.MINUTES);
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } catch (ExecutionException | TimeoutException e) {
      log.error("a delivery did not finish", e);
      return false;
    }
  }

  /** Is the worker still consuming? A dispatcher's health answers this. */
  public boolean alive() {
    return thread.isAlive() && running;
  }

  /**
   * Has it joined its consumer group (its first assignment, possibly empty when the group has more
   * members than partitions), and is it still consuming?
   */
  public boolean joined() {
    return assignments.joined() && alive();
  }

  @Override
  public void close() {
    running = false;
    consumer.wakeup();
    try {
      thread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    senders.shutdownNow();
    if (receipts != null) {
      receipts.close();
    }
    consumerMetrics.close();
    outcomes.close();
    markers.close();
    provider.close();
  }
}
