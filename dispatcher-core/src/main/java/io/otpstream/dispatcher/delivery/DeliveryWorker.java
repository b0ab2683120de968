package io.otpstream.dispatcher.delivery;

import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.otpstream.common.code.OtpCodes;
import io.otpstream.common.destination.SealedDestinations;
import io.otpstream.common.kafka.KafkaSettings;
import io.otpstream.common.settings.Env;
import io.otpstream.dispatcher.provider.DeliveryException;
import io.otpstream.dispatcher.provider.DeliveryProvider;
import io.otpstream.dispatcher.provider.OutgoingMessage;
import io.otpstream.dispatcher.provider.Sent;
import io.otpstream.dispatcher.template.MessageRenderer;
import io.otpstream.schemas.delivery.DeliveryRequested;
import io.otpstream.schemas.delivery.DeliveryState;
import io.otpstream.schemas.delivery.DeliveryStatus;
import io.otpstream.schemas.serde.AvroSerde;
import io.otpstream.schemas.topics.TopicSpec;
import io.otpstream.schemas.topics.Topics;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.avro.specific.SpecificRecord;
import io.github.resilience4j.ratelimiter.RequestNotPermitted;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One dispatcher instance: a member of the channel's consumer group on its delivery topic and
 * its retry topic. For each DeliveryRequested it:
 * <ul>
 *   <li>skips it when this channel already sent it (the {@code otp.delivery.sent} marker of its
 *       partition, read when the partition is assigned): never twice after a rebalance, a crash
 *       or a restart, except the one message in flight when a process dies;</li>
 *   <li>drops it when its code has expired (EXPIRED): never late;</li>
 *   <li>otherwise derives the code, renders and sends it, at most {@code ratePerSecond} a second
 *       and {@code maxInFlight} at once, then writes the marker (synchronously) and SENT;</li>
 *   <li>on a transient failure, writes it to the retry topic with a later not-before (RETRYING)
 *       instead of waiting, so other deliveries go on; a permanent failure, or the last attempt,
 *       goes to the dead-letter topic (DEAD_LETTERED): never lost.</li>
 * </ul>
 * Offsets are committed after the batch's statuses are written.
 */
public final class DeliveryWorker implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(DeliveryWorker.class);
  static final String ATTEMPT_HEADER = "otp-attempt";
  static final String NOT_BEFORE_HEADER = "otp-not-before";

  /** Which channel this worker serves, in which consumer group, and how. */
  public record Config(KafkaSettings kafka, String channel, String groupId, Tuning tuning) {
  }

  /**
   * How a worker retries and throttles.
   *
   * @param retryBackoff the wait before the second attempt; it doubles for each further one
   * @param maxAttempts attempts before a delivery is dead-lettered
   * @param maxInFlight messages being sent at once by this instance
   * @param ratePerSecond messages per second this instance hands to its provider
   */
  public record Tuning(Duration retryBackoff, int maxAttempts, int maxInFlight, int ratePerSecond) {
    public static Tuning defaults() {
      return new Tuning(Duration.ofSeconds(2), 5, 8, 50);
    }

    /**
     * From {@code <prefix>RETRY_BACKOFF_MS}, {@code <prefix>MAX_ATTEMPTS}, {@code <prefix>MAX_IN_FLIGHT}
     * and {@code <prefix>RATE_PER_SECOND} (e.g. prefix {@code OTP_SMS_}), each defaulting.
     */
    public static Tuning fromEnv(Map<String, String> env, String prefix) {
      Tuning d = defaults();
      return new Tuning(Duration.ofMillis(number(env, prefix + "RETRY_BACKOFF_MS", d.retryBackoff().toMillis())),
          (int) number(env, prefix + "MAX_ATTEMPTS", d.maxAttempts()), (int) number(env, prefix + "MAX_IN_FLIGHT", d.maxInFlight()),
          (int) number(env, prefix + "RATE_PER_SECOND", d.ratePerSecond()));
    }

    private static long number(Map<String, String> env, String name, long dflt) {
      int n = Env.integer(env, name, (int) dflt);
      if (n < 1) {
        throw new IllegalArgumentException(name + " must be at least 1, not " + n);
      }
      return n;
    }
  }

  private final Config config;
  private final TopicSpec<String, DeliveryRequested> topic;
  private final TopicSpec<String, DeliveryRequested> retryTopic;
  private final Topics topics;
  private final OtpCodes codes;
  private final SealedDestinations destinations;
  private final MessageRenderer renderer;
  private final DeliveryProvider provider;
  private final Clock clock;
  private final RetryPolicy retry;
  private final KafkaConsumer<String, DeliveryRequested> consumer;
  private final KafkaProducer<String, SpecificRecord> producer;
  private final SentMarkers sent;
  private final RateLimiter rate;
  private final ExecutorService senders;
  private final Map<TopicPartition, Instant> pausedUntil = new HashMap<>();
  private final ReceiptMatcher receipts;
  private final Thread thread;
  private volatile boolean running = true;

  public DeliveryWorker(Config config, TopicSpec<String, DeliveryRequested> topic, TopicSpec<String, DeliveryRequested> retryTopic,
                        OtpCodes codes, SealedDestinations destinations, MessageRenderer renderer, DeliveryProvider provider,
                        Clock clock) {
    this.config = config;
    this.topic = topic;
    this.retryTopic = retryTopic;
    this.topics = config.kafka().topics();
    this.codes = codes;
    this.destinations = destinations;
    this.renderer = renderer;
    this.provider = provider;
    this.clock = clock;
    this.retry = RetryPolicy.of(config.tuning());
    Properties cp = config.kafka().clientProperties();
    cp.put(ConsumerConfig.GROUP_ID_CONFIG, config.groupId());
    cp.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    cp.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    cp.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    cp.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 50);
    cp.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 50);
    // a dispatcher that dies gives its partitions up after 10 s, not Kafka's default 45 s
    cp.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 10_000);
    cp.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 1_000);
    this.consumer = new KafkaConsumer<>(cp, new StringDeserializer(), topic.valueSerde().deserializer());
    Properties pp = config.kafka().clientProperties();
    pp.put(ProducerConfig.ACKS_CONFIG, "all");
    pp.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    pp.put(ProducerConfig.LINGER_MS_CONFIG, 0);
    this.producer = new KafkaProducer<>(pp, new StringSerializer(), AvroSerde.anyRecordSerializer());
    this.sent = new SentMarkers(config.kafka(), topics.deliverySent);
    this.rate = RateLimiter.of("otp-" + config.channel() + "-" + provider.name(), RateLimiterConfig.custom()
        .limitForPeriod(Math.max(1, config.tuning().ratePerSecond())).limitRefreshPeriod(Duration.ofSeconds(1))
        .timeoutDuration(Duration.ofMinutes(1)).build());
    this.senders = Executors.newFixedThreadPool(Math.max(1, config.tuning().maxInFlight()), r -> {
      Thread t = new Thread(r, "otp-" + config.channel() + "-sender");
      t.setDaemon(true);
      return t;
    });
    this.receipts = new ReceiptMatcher(clock, this::receipt);
    provider.receiptsTo(receipts);
    this.thread = new Thread(this::run, "otp-dispatcher-" + config.channel());
  }

  public void start() {
    thread.start();
  }

  /** A receipt matched to a message this instance sent: recorded as DELIVERED or FAILED. */
  private void receipt(DeliveryRequested d, String via, boolean delivered, String providerMessageId, String detail) {
    DeliveryStatus s = DeliveryStatus.newBuilder(status(d, delivered ? DeliveryState.DELIVERED : DeliveryState.FAILED,
        providerMessageId, detail, 0)).setProvider(via).build();
    producer.send(new ProducerRecord<>(topics.deliveryStatus.name(), d.getSubjectId(), s));
    log.info("delivery {} {} via {} (receipt)", d.getDeliveryId(), s.getState(), via);
  }

  private void run() {
    try {
      consumer.subscribe(List.of(topic.name(), retryTopic.name()), new ConsumerRebalanceListener() {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
          partitions.forEach(pausedUntil::remove);
          sent.forget(partitions.stream().map(TopicPartition::partition).toList());
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
          sent.load(partitions.stream().map(TopicPartition::partition).distinct().toList());
        }
      });
      while (running) {
        resumeDue();
        ConsumerRecords<String, DeliveryRequested> records;
        try {
          records = consumer.poll(Duration.ofMillis(100));
        } catch (RecordDeserializationException e) {
          log.warn("skipping an unreadable delivery at {} offset {}", e.topicPartition(), e.offset());
          consumer.seek(e.topicPartition(), e.offset() + 1);
          continue;
        }
        if (records.isEmpty()) {
          continue;
        }
        List<Future<?>> batch = new ArrayList<>();
        for (TopicPartition tp : records.partitions()) {
          for (ConsumerRecord<String, DeliveryRequested> r : records.records(tp)) {
            Instant notBefore = longHeader(r, NOT_BEFORE_HEADER).map(Instant::ofEpochMilli).orElse(null);
            if (!retry.due(notBefore, clock.instant())) {
              // a retry that is not due: wait for it without holding up the other partitions
              consumer.pause(List.of(tp));
              consumer.seek(tp, r.offset());
              pausedUntil.put(tp, notBefore);
              break;
            }
            if (r.value() != null) {
              int attempt = longHeader(r, ATTEMPT_HEADER).map(Long::intValue).orElse(1);
              batch.add(senders.submit(() -> handle(r.value(), r.partition(), attempt)));
            }
          }
        }
        boolean complete = true;
        for (Future<?> f : batch) {
          complete &= await(f);
        }
        producer.flush();
        if (!complete) {
          // a status, retry or dead letter could not be written: do not commit past it; stop, so the
          // process's health fails and a restart (or another instance) takes the records again
          log.error("dispatcher {} could not record the outcome of a delivery; stopping", config.channel());
          running = false;
          break;
        }
        try {
          consumer.commitSync();
        } catch (CommitFailedException | RebalanceInProgressException | RetriableException e) {
          // the group moved on: the records go to their new owner, whose markers skip what was sent here
          log.warn("dispatcher {} could not commit ({}); the partitions' new owner takes over", config.channel(), e.toString());
        }
      }
    } catch (WakeupException e) {
      // closing
    } catch (RuntimeException e) {
      log.error("dispatcher {} stopped", config.channel(), e);
    } finally {
      consumer.close();
    }
  }

  private void resumeDue() {
    Instant now = clock.instant();
    List<TopicPartition> due = pausedUntil.entrySet().stream().filter(e -> retry.due(e.getValue(), now)).map(Map.Entry::getKey)
        .toList();
    if (!due.isEmpty()) {
      due.forEach(pausedUntil::remove);
      consumer.resume(due);
    }
  }

  /** One delivery, on a sender thread; never throws (one bad delivery must not stop the others). */
  void handle(DeliveryRequested d, int partition, int attempt) {
    try {
      if (sent.contains(partition, d.getDeliveryId())) {
        log.info("delivery {} already sent; not sending it again", d.getDeliveryId());
        return;
      }
      if (retry.expired(d, clock.instant())) {
        report(d, DeliveryState.EXPIRED, null, "code expired before it could be sent", attempt);
        return;
      }
      try {
        rate.acquirePermission();
      } catch (RequestNotPermitted e) {
        failed(d, partition, attempt, new DeliveryException("provider rate: no slot within a minute", false, null));
        return;
      }
      Instant now = clock.instant();
      if (retry.expired(d, now)) {
        report(d, DeliveryState.EXPIRED, null, "code expired while waiting for the provider's rate", attempt);
        return;
      }
      String code = codes.code(d.getAppId(), d.getSessionId(), d.getGeneration(), d.getOtpLength());
      // the destination travels sealed; it is opened here, for the provider, and nowhere else
      DeliveryRequested open = DeliveryRequested.newBuilder(d).setDestination(destinations.open(d.getAppId(), d.getDestination())).build();
      OutgoingMessage message = renderer.render(open, code, now);
      try {
        Sent sentBy = provider.send(message);
        String id = sentBy.messageId();
        String via = sentBy.providerName();
        DeliveryStatus status = DeliveryStatus.newBuilder(status(d, DeliveryState.SENT, id, null, attempt)).setProvider(via).build();
        sent.mark(partition, d.getDeliveryId(), status, producer);
        producer.send(new ProducerRecord<>(topics.deliveryStatus.name(), d.getSubjectId(), status));
        if (id != null && provider.receipts()) {
          receipts.expect(id, d, via);
        }
        log.info("delivery {} SENT via {} (attempt {})", d.getDeliveryId(), via, attempt);
      } catch (DeliveryException e) {
        failed(d, partition, attempt, e);
      }
    } catch (RuntimeException e) {
      log.error("delivery {} failed unexpectedly", d.getDeliveryId(), e);
      if (!sent.contains(partition, d.getDeliveryId())) {
        deadLetter(d, attempt, "internal error: " + e.getClass().getSimpleName()); // throws if that fails too: the batch stops
      }
    }
  }

  private void failed(DeliveryRequested d, int partition, int attempt, DeliveryException e) {
    Optional<Instant> next = retry.nextAttempt(attempt, e.permanent(), clock.instant(), d.getExpiresAt());
    log.warn("delivery {} via {} failed (attempt {}, {}): {}", d.getDeliveryId(), provider.name(), attempt,
        e.permanent() ? "permanent" : "transient", e.getMessage());
    if (next.isEmpty()) {
      deadLetter(d, attempt, e.getMessage());
      return;
    }
    ProducerRecord<String, SpecificRecord> again = new ProducerRecord<>(retryTopic.name(), partition, d.getSubjectId(), d);
    again.headers().add(ATTEMPT_HEADER, longBytes(attempt + 1)).add(NOT_BEFORE_HEADER, longBytes(next.get().toEpochMilli()));
    sendNow(again);
    report(d, DeliveryState.RETRYING, null, e.getMessage() + "; attempt " + (attempt + 1) + " at " + next.get(), attempt);
  }

  private void deadLetter(DeliveryRequested d, int attempt, String detail) {
    sendNow(new ProducerRecord<>(topics.deliveryDeadLetter.name(), d.getSubjectId(), d));
    report(d, DeliveryState.DEAD_LETTERED, null, detail, attempt);
  }

  /** Writes a record and waits for the ack: a retry or a dead letter must not be lost behind a commit. */
  private void sendNow(ProducerRecord<String, SpecificRecord> record) {
    try {
      producer.send(record).get(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted writing to " + record.topic());
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("cannot write to " + record.topic(), e);
    }
  }

  private void report(DeliveryRequested d, DeliveryState state, String providerId, String detail, int attempt) {
    producer.send(new ProducerRecord<>(topics.deliveryStatus.name(), d.getSubjectId(), status(d, state, providerId, detail, attempt)));
    log.info("delivery {} {} via {}", d.getDeliveryId(), state, provider.name());
  }

  private DeliveryStatus status(DeliveryRequested d, DeliveryState state, String providerId, String detail, int attempt) {
    return DeliveryStatus.newBuilder()
        .setDeliveryId(d.getDeliveryId()).setSessionId(d.getSessionId()).setSubjectId(d.getSubjectId())
        .setAppId(d.getAppId()).setChannel(d.getChannel()).setState(state).setProvider(provider.name())
        .setProviderMessageId(providerId).setDetail(detail).setAttempt(attempt).setOccurredAt(clock.instant())
        .build();
  }

  private static java.util.Optional<Long> longHeader(ConsumerRecord<?, ?> r, String name) {
    Header h = r.headers().lastHeader(name);
    if (h == null || h.value() == null || h.value().length != Long.BYTES) {
      return java.util.Optional.empty();
    }
    return java.util.Optional.of(ByteBuffer.wrap(h.value()).getLong());
  }

  private static byte[] longBytes(long v) {
    return ByteBuffer.allocate(Long.BYTES).putLong(v).array();
  }

  /** Waits for one delivery, less than the consumer's poll interval; false when it failed or hangs. */
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
    producer.close(Duration.ofSeconds(5));
    sent.close();
    provider.close();
  }
}
