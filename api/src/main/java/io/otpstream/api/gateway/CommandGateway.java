package io.otpstream.api.gateway;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.otpstream.common.kafka.KafkaSettings;
import io.otpstream.schemas.command.OtpCommand;
import io.otpstream.schemas.decision.OtpDecision;
import io.otpstream.schemas.topics.Topics;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Request/reply over Kafka: sends one command (to {@code otp.requests} or {@code otp.commands}) and
 * completes when the processor's decision arrives on this instance's own partition of {@code
 * otp.replies} (named on the command), so no instance reads another's replies. A decision that does
 * not come within the timeout fails the future with {@link GatewayTimeoutException}; the command
 * itself stays accepted and is decided when the processor catches up. It also holds the instance's
 * {@link DpopJtiLedger}, the other state the api shares with its peers through Kafka.
 */
public final class CommandGateway implements MeterBinder, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(CommandGateway.class);

  private final Topics topics;
  private final int replyPartition;
  private final Duration timeout;
  private final KafkaProducer<String, OtpCommand> producer;
  private final KafkaConsumer<String, OtpDecision> replies;
  private final DpopJtiLedger dpopJtis;

  /** Waiters by request id: repeats of an idempotent request share an id and may wait at once. */
  private final Map<String, Set<CompletableFuture<OtpDecision>>> pending =
      new ConcurrentHashMap<>();

  private final CountDownLatch positioned = new CountDownLatch(1);
  private final Thread replyThread;
  private final List<KafkaClientMetrics> clientMetrics = new ArrayList<>();
  private volatile boolean running = true;

  public CommandGateway(KafkaSettings kafka, int replyPartition, Duration timeout) {
    this.topics = kafka.topics();
    this.replyPartition = replyPartition;
    this.timeout = timeout;
    Properties pp = kafka.clientProperties("api-commands-" + replyPartition);
    pp.put(ProducerConfig.ACKS_CONFIG, "all");
    pp.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    pp.put(ProducerConfig.LINGER_MS_CONFIG, 0);
    // never hold an HTTP thread longer than the decision timeout when Kafka is unreachable
    pp.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, timeout.toMillis());
    pp.put(
        ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG,
        (int) Math.max(timeout.toMillis(), 1000L) + 1000);
    pp.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.max(timeout.toMillis(), 1000L));
    this.producer =
        new KafkaProducer<>(pp, new StringSerializer(), topics.commands.valueSerde().serializer());
    Properties cp = kafka.clientProperties("api-replies-" + replyPartition);
    cp.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    cp.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    // the broker answers a fetch as soon as a record is there; a shorter wait only made idle
    // consumers ask again and again (idle dev process 0.35 -> 0.20 CPU s/s, docs/benchmarks.md)
    cp.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 500);
    this.replies =
        new KafkaConsumer<>(
            cp, new StringDeserializer(), topics.replies.valueSerde().deserializer());
    this.replyThread =
        new Thread(this::readReplies, "otp-api-replies-" + topics.prefix() + replyPartition);
    replyThread.setDaemon(true);
    this.dpopJtis = new DpopJtiLedger(kafka, Clock.systemUTC());
  }

  /** The DPoP {@code jti}s used on any instance; followed from {@link #start} on. */
  public DpopJtiLedger dpopJtis() {
    return dpopJtis;
  }

  /** Starts reading replies; returns once this instance's reply position is fixed. */
  public void start() {
    dpopJtis.start();
    replyThread.start();
    try {
      if (!positioned.await(60, TimeUnit.SECONDS)) {
        throw new IllegalStateException("reply consumer did not get its position within 60 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /**
   * The producer's and the reply consumer's own metrics (Micrometer's Kafka binder), among them the
   * reply consumer's lag ({@code kafka_consumer_fetch_manager_records_lag_max}).
   */
  @Override
  public void bindTo(MeterRegistry registry) {
    KafkaClientMetrics p = new KafkaClientMetrics(producer);
    KafkaClientMetrics c = new KafkaClientMetrics(replies);
    p.bindTo(registry);
    c.bindTo(registry);
    clientMetrics.add(p);
    clientMetrics.add(c);
  }

  /** False once the reply reader has stopped: the api cannot answer and is not ready. */
  public boolean alive() {
    return replyThread.isAlive();
  }

  public int replyPartition() {
    return replyPartition;
  }

  public String replyTopic() {
    return topics.replies.name();
  }

  public Topics topics() {
    return topics;
  }

  /**
   * Sends the command to {@code topic}, keyed by {@code key}, with the event time {@code
   * occurredAt}.
   */
  public CompletableFuture<OtpDecision> submit(
      String topic, String key, OtpCommand command, String requestId, Instant occurredAt) {
    CompletableFuture<OtpDecision> reply = new CompletableFuture<>();
    pending.compute(
        requestId,
        (k, waiters) -> {
          Set<CompletableFuture<OtpDecision>> w =
              waiters != null ? waiters : ConcurrentHashMap.newKeySet();
          w.add(reply);
          return w;
        });
    reply.whenComplete(
        (d, e) ->
            pending.computeIfPresent(
                requestId,
                (k, waiters) -> {
                  waiters.remove(
                      reply); // only this waiter: a repeat may already wait under the same id
                  return waiters.isEmpty() ? null : waiters;
                }));
    try {
      producer.send(
          new ProducerRecord<>(topic, null, occurredAt.toEpochMilli(), key, command),
          (md, e) -> {
            if (e != null) {
              reply.completeExceptionally(
                  new GatewayUnavailableException(
                      "command not accepted by Kafka: " + e.getMessage(), e));
            }
          });
    } catch (RuntimeException e) {
      reply.completeExceptionally(
          new GatewayUnavailableException("command not accepted by Kafka: " + e.getMessage(), e));
    }
    return reply
        .orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
        .exceptionallyCompose(
            e ->
                CompletableFuture.failedFuture(
                    e instanceof java.util.concurrent.TimeoutException
                        ? new GatewayTimeoutException(timeout)
                        : e));
  }

  private void readReplies() {
    TopicPartition tp = new TopicPartition(topics.replies.name(), replyPartition);
    try {
      replies.assign(List.of(tp));
      replies.seekToEnd(List.of(tp));
      replies.position(tp);
      positioned.countDown();
      while (running) {
        ConsumerRecords<String, OtpDecision> polled;
        try {
          polled = replies.poll(Duration.ofMillis(200));
        } catch (RecordDeserializationException e) {
          log.warn("skipping an unreadable reply at {} offset {}", e.topicPartition(), e.offset());
          replies.seek(e.topicPartition(), e.offset() + 1);
          continue;
        }
        for (ConsumerRecord<String, OtpDecision> r : polled) {
          Set<CompletableFuture<OtpDecision>> waiting =
              r.value() == null ? null : pending.get(r.value().getRequestId());
          if (waiting != null) {
            List.copyOf(waiting).forEach(f -> f.complete(r.value()));
          }
        }
      }
    } catch (WakeupException e) {
      // closing
    } catch (RuntimeException e) {
      log.error("reply consumer stopped", e);
    } finally {
      Thread.interrupted(); // the thread ends here: let the consumer close cleanly
      // no group, no commits: nothing to wait for but the fetch in flight (up to its 500 ms wait)
      replies.close(CloseOptions.timeout(Duration.ZERO));
    }
  }

  @Override
  public void close() {
    running = false;
    replies.wakeup();
    try {
      replyThread.join(5000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    producer.close(Duration.ofSeconds(5));
    dpopJtis.close();
    clientMetrics.forEach(KafkaClientMetrics::close);
  }
}
