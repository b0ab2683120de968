package io.otpstream.e2e.delivery;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.otpstream.common.code.OtpCodes;
import io.otpstream.common.destination.SealedDestinations;
import io.otpstream.common.kafka.KafkaSettings;
import io.otpstream.common.secret.Secrets;
import io.otpstream.dispatcher.delivery.DeliveryTuning;
import io.otpstream.dispatcher.delivery.DeliveryWorker;
import io.otpstream.dispatcher.delivery.RetryHeaders;
import io.otpstream.dispatcher.provider.DeliveryException;
import io.otpstream.dispatcher.provider.DeliveryProvider;
import io.otpstream.dispatcher.provider.OutgoingMessage;
import io.otpstream.dispatcher.provider.Sent;
import io.otpstream.e2e.support.ConsumerGroups;
import io.otpstream.e2e.support.SharedKafka;
import io.otpstream.e2e.support.TopicReader;
import io.otpstream.schemas.common.Channel;
import io.otpstream.schemas.delivery.DeliveryRequested;
import io.otpstream.schemas.delivery.DeliveryState;
import io.otpstream.schemas.delivery.DeliveryStatus;
import io.otpstream.schemas.topics.TopicBootstrap;
import io.otpstream.schemas.topics.TopicSpec;
import io.otpstream.schemas.topics.Topics;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The delivery worker's retries on the real cluster, with its clock in the test's hand: a retry is
 * due only when the test moves the clock, so "while a retry waits" and "after the expiry" are
 * exact, not races. The provider is scripted per delivery (down, refusing, then up) and records
 * each attempt. The decisions themselves are unit-tested in dispatcher-core's RetryPolicyTest.
 */
class DeliveryWorkerRetryTest {
  private static final Duration BACKOFF = Duration.ofSeconds(1);
  private static final int MAX_ATTEMPTS = 3;
  private static final String APP = "app-retry";

  private final MutableClock clock = new MutableClock(Instant.now());
  private final ScriptedProvider provider = new ScriptedProvider(clock);
  private KafkaSettings kafka;
  private Topics topics;
  private Secrets secrets;
  private DeliveryWorker worker;

  @BeforeEach
  void topics() {
    kafka =
        KafkaSettings.of(SharedKafka.bootstrapServers())
            .withPrefix("worker-" + UUID.randomUUID().toString().substring(0, 8) + ".");
    topics = kafka.topics();
    secrets = Secrets.fromBase64(Secrets.generate());
    try (Admin admin = Admin.create(kafka.clientProperties())) {
      TopicBootstrap.ensure(admin, topics, (short) 1);
    }
  }

  @AfterEach
  void stop() {
    if (worker != null) {
      worker.close();
    }
  }

  private void startWorker(int ratePerSecond) {
    worker =
        new DeliveryWorker(
            new DeliveryWorker.Config(
                kafka,
                "sms",
                groupId(),
                new DeliveryTuning(BACKOFF, MAX_ATTEMPTS, 8, ratePerSecond)),
            topics.deliverySms,
            topics.deliverySmsRetry,
            new OtpCodes(secrets),
            new SealedDestinations(secrets),
            (d, code, now) ->
                new OutgoingMessage(
                    d.getDeliveryId(),
                    d.getSessionId(),
                    d.getDestination(),
                    null,
                    null,
                    "Code " + code,
                    null),
            provider,
            clock,
            new SimpleMeterRegistry());
    worker.start();
  }

  @Test
  void a_delivery_goes_on_while_another_waits_for_its_retry() {
    startWorker(1000);
    provider.script("ses_a:0:sms", Outcome.DOWN);
    produce(delivery("ses_a", clock.instant().plus(Duration.ofMinutes(10))));
    assertEquals(List.of(DeliveryState.RETRYING), states(awaitStatuses("ses_a:0:sms", 1)));

    produce(
        delivery(
            "ses_b",
            clock.instant().plus(Duration.ofMinutes(10)))); // same partition as a and its retry
    assertEquals(
        List.of(DeliveryState.SENT),
        states(awaitStatuses("ses_b:0:sms", 1)),
        "b went out while a's retry waited");
    assertEquals(
        1, provider.attempts("ses_a:0:sms"), "a's retry is not due: the clock has not moved");

    clock.advance(BACKOFF);
    assertEquals(
        List.of(DeliveryState.RETRYING, DeliveryState.SENT),
        states(awaitStatuses("ses_a:0:sms", 2)));
    assertEquals(2, provider.attempts("ses_a:0:sms"));
  }

  @Test
  void a_due_retry_behind_a_later_one_is_sent_while_the_later_one_waits() {
    startWorker(1000);
    Instant expiresAt = clock.instant().plus(Duration.ofDays(1));
    // one retry partition: first a retry due in an hour, then one due now
    produceRetry(delivery("ses_late", expiresAt), clock.instant().plus(Duration.ofHours(1)));
    produceRetry(delivery("ses_due", expiresAt), clock.instant());

    assertEquals(
        List.of(DeliveryState.SENT),
        states(awaitStatuses("ses_due:0:sms", 1)),
        "the due retry went out behind the later one");
    assertEquals(0, provider.attempts("ses_late:0:sms"), "the later retry is not due yet");
    assertTrue(statuses("ses_late:0:sms").isEmpty(), "nothing happened to the later retry");

    clock.advance(Duration.ofHours(1));
    assertEquals(List.of(DeliveryState.SENT), states(awaitStatuses("ses_late:0:sms", 1)));
    awaitEverythingConsumed();
    assertEquals(1, provider.attempts("ses_due:0:sms"), "the due retry was sent once");
    assertEquals(1, provider.attempts("ses_late:0:sms"), "the later retry was sent once");
  }

  @Test
  void a_delivery_whose_attempts_run_out_is_dead_lettered() {
    startWorker(1000);
    provider.script("ses_c:0:sms", Outcome.DOWN, Outcome.DOWN, Outcome.DOWN, Outcome.DOWN);
    produce(delivery("ses_c", clock.instant().plus(Duration.ofMinutes(10))));
    awaitStatuses("ses_c:0:sms", 1);
    clock.advance(BACKOFF);
    awaitStatuses("ses_c:0:sms", 2);
    clock.advance(BACKOFF.multipliedBy(2));
    List<DeliveryStatus> seen = awaitStatuses("ses_c:0:sms", 3);

    assertEquals(
        List.of(DeliveryState.RETRYING, DeliveryState.RETRYING, DeliveryState.DEAD_LETTERED),
        states(seen));
    assertEquals(MAX_ATTEMPTS, seen.get(2).getAttempt());
    assertTrue(deadLettered().contains("ses_c:0:sms"), "on the dead-letter topic");
    clock.advance(Duration.ofHours(1));
    awaitEverythingConsumed();
    assertEquals(MAX_ATTEMPTS, provider.attempts("ses_c:0:sms"), "no attempt after the last one");
    assertEquals(3, statuses("ses_c:0:sms").size());
  }

  @Test
  void a_permanent_failure_is_dead_lettered_without_a_retry() {
    startWorker(1000);
    provider.script("ses_p:0:sms", Outcome.REFUSED);
    produce(delivery("ses_p", clock.instant().plus(Duration.ofMinutes(10))));

    assertEquals(List.of(DeliveryState.DEAD_LETTERED), states(awaitStatuses("ses_p:0:sms", 1)));
    assertTrue(deadLettered().contains("ses_p:0:sms"), "on the dead-letter topic");
    clock.advance(Duration.ofHours(1));
    awaitEverythingConsumed();
    assertEquals(1, provider.attempts("ses_p:0:sms"), "never tried again");
    assertEquals(1, statuses("ses_p:0:sms").size());
  }

  @Test
  void a_retry_that_comes_due_only_after_the_codes_expiry_is_not_sent() {
    startWorker(1000);
    Instant expiresAt = clock.instant().plusSeconds(10);
    provider.script("ses_e:0:sms", Outcome.DOWN); // then up
    produce(delivery("ses_e", expiresAt));
    assertEquals(
        List.of(DeliveryState.RETRYING),
        states(awaitStatuses("ses_e:0:sms", 1)),
        "its retry is due before the expiry");

    clock.set(
        expiresAt.plusSeconds(1)); // but the dispatcher gets to it late (stalled, restarted, busy)
    List<DeliveryStatus> seen = awaitStatuses("ses_e:0:sms", 2);
    assertEquals(List.of(DeliveryState.RETRYING, DeliveryState.EXPIRED), states(seen));
    assertEquals(1, provider.attempts("ses_e:0:sms"), "no attempt after the expiry");
  }

  @Test
  void the_providers_rate_holds_under_a_burst() {
    int rate = 2;
    startWorker(rate);
    produce(
        delivery(
            "ses_warm",
            clock
                .instant()
                .plus(Duration.ofMinutes(10)))); // the first send's set-up is not in the burst
    awaitStatuses("ses_warm:0:sms", 1);
    int burst = 3 * rate + 1;
    List<DeliveryRequested> all = new ArrayList<>();
    for (int i = 0; i < burst; i++) {
      all.add(delivery("ses_r" + i, clock.instant().plus(Duration.ofMinutes(10))));
    }
    produce(
        all.toArray(DeliveryRequested[]::new)); // at once: any spread of the sends is the worker's
    for (int i = 0; i < burst; i++) {
      assertEquals(List.of(DeliveryState.SENT), states(awaitStatuses("ses_r" + i + ":0:sms", 1)));
    }
    List<Long> sends = provider.sendNanos().stream().skip(1).sorted().toList();
    // The rate hands out `rate` permits per one-second cycle: 3 × rate + 1 sends take at least four
    // cycles,
    // so the first and the last are at least 2 s apart. Half of that is asserted (a busy machine
    // only
    // spreads them further; it cannot bring them closer).
    Duration spread = Duration.ofNanos(sends.get(sends.size() - 1) - sends.get(0));
    assertTrue(
        spread.compareTo(Duration.ofSeconds(1)) >= 0,
        burst + " sends at " + rate + "/s within " + spread.toMillis() + " ms");
  }

  private String groupId() {
    return topics.prefix() + "otp-dispatcher-sms";
  }

  private DeliveryRequested delivery(String sessionId, Instant expiresAt) {
    return DeliveryRequested.newBuilder()
        .setDeliveryId(sessionId + ":0:sms")
        .setSessionId(sessionId)
        .setSubjectId("sub_" + sessionId)
        .setAppId(APP)
        .setChannel(Channel.SMS)
        .setDestination(new SealedDestinations(secrets).seal(APP, "+33612349999"))
        .setGeneration(0)
        .setOtpLength(6)
        .setRequestedAt(clock.instant())
        .setExpiresAt(expiresAt)
        .build();
  }

  /** On partition 0, so every delivery of a test and every retry share one partition number. */
  private void produce(DeliveryRequested... deliveries) {
    try (KafkaProducer<String, DeliveryRequested> producer =
        new KafkaProducer<>(
            kafka.clientProperties(),
            new StringSerializer(),
            topics.deliverySms.valueSerde().serializer())) {
      for (DeliveryRequested d : deliveries) {
        producer.send(new ProducerRecord<>(topics.deliverySms.name(), 0, d.getSubjectId(), d));
      }
      producer.flush();
    }
  }

  /** Straight onto partition 0 of the retry topic, as attempt 2 due at {@code notBefore}. */
  private void produceRetry(DeliveryRequested d, Instant notBefore) {
    try (KafkaProducer<String, DeliveryRequested> producer =
        new KafkaProducer<>(
            kafka.clientProperties(),
            new StringSerializer(),
            topics.deliverySmsRetry.valueSerde().serializer())) {
      ProducerRecord<String, DeliveryRequested> r =
          new ProducerRecord<>(topics.deliverySmsRetry.name(), 0, d.getSubjectId(), d);
      RetryHeaders.add(r.headers(), 2, notBefore);
      producer.send(r);
      producer.flush();
    }
  }

  private List<DeliveryStatus> statuses(String deliveryId) {
    return read(topics.deliveryStatus).stream()
        .filter(s -> s.getDeliveryId().equals(deliveryId))
        .toList();
  }

  /**
   * Waits until the delivery has at least {@code n} statuses (the first one includes the group's
   * start).
   */
  private List<DeliveryStatus> awaitStatuses(String deliveryId, int n) {
    return await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> statuses(deliveryId), l -> l.size() >= n);
  }

  private List<String> deadLettered() {
    return read(topics.deliveryDeadLetter).stream().map(DeliveryRequested::getDeliveryId).toList();
  }

  private <V> List<V> read(TopicSpec<String, V> topic) {
    var deserializer = topic.valueSerde().deserializer();
    return TopicReader.readAll(SharedKafka.bootstrapServers(), topic.name()).stream()
        .map(r -> deserializer.deserialize(r.topic(), r.value()))
        .toList();
  }

  private static List<DeliveryState> states(List<DeliveryStatus> statuses) {
    return statuses.stream().map(DeliveryStatus::getState).toList();
  }

  /**
   * Until the worker's group has committed every delivery and every retry written so far: nothing
   * is left to come.
   */
  private void awaitEverythingConsumed() {
    try (Admin admin = Admin.create(kafka.clientProperties())) {
      await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () ->
                  ConsumerGroups.caughtUp(
                      admin, groupId(), List.of(topics.deliverySms, topics.deliverySmsRetry)));
    }
  }

  enum Outcome {
    DOWN,
    REFUSED
  }

  /**
   * A provider in the test's hand: per delivery, the failures of its first attempts (then it
   * sends); it records every attempt.
   */
  static final class ScriptedProvider implements DeliveryProvider {
    record Attempt(String deliveryId, Instant at, long nanos) {}

    private final Clock clock;
    private final Map<String, Queue<Outcome>> failures = new ConcurrentHashMap<>();
    private final List<Attempt> attempts = new CopyOnWriteArrayList<>();

    ScriptedProvider(Clock clock) {
      this.clock = clock;
    }

    void script(String deliveryId, Outcome... first) {
      failures.put(deliveryId, new ConcurrentLinkedQueue<>(List.of(first)));
    }

    long attempts(String deliveryId) {
      return attempts.stream().filter(a -> a.deliveryId().equals(deliveryId)).count();
    }

    /** System.nanoTime() of every attempt, in the order they came. */
    List<Long> sendNanos() {
      List<Long> out = new ArrayList<>();
      attempts.forEach(a -> out.add(a.nanos()));
      return out;
    }

    @Override
    public String name() {
      return "scripted";
    }

    @Override
    public Sent send(OutgoingMessage message) throws DeliveryException {
      attempts.add(new Attempt(message.deliveryId(), clock.instant(), System.nanoTime()));
      Queue<Outcome> script = failures.get(message.deliveryId());
      Outcome outcome = script == null ? null : script.poll();
      if (outcome == Outcome.DOWN) {
        throw new DeliveryException("scripted: down", false, null);
      }
      if (outcome == Outcome.REFUSED) {
        throw new DeliveryException("scripted: refused", true, null);
      }
      return new Sent(name(), "msg-" + attempts.size());
    }
  }

  /** A clock the test moves by hand. */
  static final class MutableClock extends Clock {
    private final AtomicReference<Instant> now;

    MutableClock(Instant start) {
      this.now = new AtomicReference<>(start);
    }

    void advance(Duration d) {
      now.updateAndGet(t -> t.plus(d));
    }

    void set(Instant t) {
      now.set(t);
    }

    @Override
    public Instant instant() {
      return now.get();
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }
  }
}
