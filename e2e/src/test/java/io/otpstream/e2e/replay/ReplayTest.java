package io.otpstream.e2e.replay;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.otpstream.common.kafka.KafkaSettings;
import io.otpstream.common.outbox.Outbox;
import io.otpstream.common.secret.Secrets;
import io.otpstream.e2e.support.SharedKafka;
import io.otpstream.e2e.support.TestPipeline;
import io.otpstream.e2e.support.TopicReader;
import io.otpstream.processor.ProcessorService;
import io.otpstream.schemas.audit.AuditEvent;
import io.otpstream.schemas.audit.AuditType;
import io.otpstream.schemas.command.OtpRequested;
import io.otpstream.schemas.common.Channel;
import io.otpstream.schemas.decision.OtpDecision;
import io.otpstream.schemas.decision.Outcome;
import io.otpstream.schemas.delivery.DeliveryRequested;
import io.otpstream.schemas.delivery.DeliveryStatus;
import io.otpstream.schemas.topics.TopicBootstrap;
import io.otpstream.schemas.topics.TopicSpec;
import io.otpstream.schemas.topics.Topics;
import java.nio.file.Files;
import java.time.Duration;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/**
 * Determinism: a rich history recorded through the real pipeline over HTTP (see {@link History}),
 * re-run under a fresh application id with Kafka Streams' wall clock three days on, reaches the
 * same decisions at each of the three stages and writes the same audit events, deliveries,
 * passed-on commands and quota refunds, request by request. The settings each decision used are
 * those its command carried, so a replay after the settings changed still decides as before.
 */
class ReplayTest {
  private static final Duration DAYS_LATER = Duration.ofDays(3);
  private static final int SHOWN = 5;

  @Test
  void
      a_replay_three_days_later_under_a_fresh_application_id_reproduces_every_decision_of_a_rich_history()
          throws Exception {
    Outbox outbox = TestPipeline.newOutbox();
    KafkaSettings kafka;
    Secrets secrets;
    long secondVersion;
    try (TestPipeline pipeline = TestPipeline.start("replay", outbox, History.FIRST_SETTINGS)) {
      History history = new History(pipeline, outbox);
      history.underTheFirstSettings();
      secondVersion = history.changeSettings();
      history.underTheSecondSettings();
      awaitSettled(pipeline.kafka.topics(), pipeline.applicationId);
      kafka = pipeline.kafka;
      secrets = pipeline.secrets;
    } // closed: nothing more is written to the recorded topics
    Topics recordedTopics = kafka.topics();
    Set<String> viaQuota = Written.sentToTheQuotaStage(bootstrap(), recordedTopics);
    Written recorded = Written.read(bootstrap(), recordedTopics, viaQuota::contains);
    assertRich(recorded, recordedTopics, secondVersion);

    KafkaSettings scratch = kafka.withPrefix(kafka.topicPrefix() + "replay.");
    try (Admin admin = Admin.create(scratch.clientProperties())) {
      TopicBootstrap.ensure(admin, scratch.topics(), (short) 1);
    }
    String replayId = "otp-replay-" + UUID.randomUUID();
    try (ProcessorService replay =
        ProcessorService.replay(
            ProcessorService.Config.of(scratch, replayId, Files.createTempDirectory("otp-replay")),
            recordedTopics,
            secrets,
            new LaterTime(DAYS_LATER))) {
      replay.start();
      awaitConsumed(replayId, lastOffsets(recordedTopics));
    }
    Written replayed = Written.read(bootstrap(), scratch.topics(), id -> true);

    Map<String, Integer> compared = new TreeMap<>();
    List<Written.Divergence> divergences = recorded.compare(replayed, compared);
    assertTrue(
        divergences.isEmpty(),
        () ->
            divergences.size()
                + " divergences, the first "
                + SHOWN
                + ":\n"
                + divergences.stream()
                    .limit(SHOWN)
                    .map(Written.Divergence::describe)
                    .collect(Collectors.joining("\n")));
    assertEquals(recorded.counts(), compared, "each recorded record, of each stage, was compared");
  }

  /**
   * The history holds what a replay can get wrong: every stage deciding, repeats, statuses, two
   * settings versions.
   */
  private static void assertRich(Written recorded, Topics topics, long secondVersion) {
    Set<Outcome> outcomes =
        recorded.decisions.stream().map(OtpDecision::getOutcome).collect(Collectors.toSet());
    assertTrue(
        outcomes.containsAll(
            EnumSet.of(
                Outcome.STARTED,
                Outcome.RESENT,
                Outcome.VERIFIED,
                Outcome.WRONG_CODE,
                Outcome.RATE_LIMITED,
                Outcome.QUOTA_EXHAUSTED,
                Outcome.REFUSED,
                Outcome.ALREADY_VERIFIED)),
        "outcomes " + outcomes);
    for (long version : List.of(1L, secondVersion)) {
      assertTrue(
          recorded.decisions.stream()
              .anyMatch(
                  d ->
                      d.getOutcome() == Outcome.QUOTA_EXHAUSTED
                          && d.getSettingsVersion() == version),
          "a 402 under settings version " + version);
    }
    Map<String, Long> answers =
        recorded.decisions.stream()
            .collect(Collectors.groupingBy(OtpDecision::getRequestId, Collectors.counting()));
    assertTrue(
        answers.values().stream().anyMatch(n -> n == 4),
        "an idempotent send answered four times: " + answers.values());
    assertTrue(
        count(recorded.events, e -> e.getType() == AuditType.IDEMPOTENT_REPEAT) >= 5,
        "repeats audited");
    assertEquals(
        Set.of(Channel.SMS, Channel.EMAIL),
        recorded.deliveries.stream()
            .map(DeliveryRequested::getChannel)
            .collect(Collectors.toSet()));
    int statuses = TopicReader.readAll(bootstrap(), topics.deliveryStatus.name()).size();
    assertTrue(
        statuses >= recorded.deliveries.size(),
        statuses + " statuses of " + recorded.deliveries.size() + " deliveries");
    assertEquals(
        statuses,
        count(recorded.events, e -> e.getType() == AuditType.DELIVERY_STATUS),
        "each status recorded by the session stage");
    assertTrue(
        recorded.passedOn.stream()
            .anyMatch(c -> c.getCommand() instanceof OtpRequested r && r.getSecondaryCounted()),
        "a send to two destinations counted at its second subject first");
    assertTrue(!recorded.refunds.isEmpty(), "quota given back");
    assertTrue(
        recorded
            .counts()
            .keySet()
            .containsAll(
                List.of(
                    "decisions of the quota stage",
                    "decisions of the per-IP stage",
                    "decisions of the session stage")),
        "each stage decided: " + recorded.counts());
  }

  /**
   * Waits until every delivery has its status and the processor has consumed all its input (twice
   * alike: it writes some of it).
   */
  static void awaitSettled(Topics topics, String applicationId) {
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                ids(topics.deliveryStatus, DeliveryStatus::getDeliveryId)
                        .containsAll(ids(topics.deliverySms, DeliveryRequested::getDeliveryId))
                    && ids(topics.deliveryStatus, DeliveryStatus::getDeliveryId)
                        .containsAll(ids(topics.deliveryEmail, DeliveryRequested::getDeliveryId)));
    Map<TopicPartition, Long> before = Map.of();
    Map<TopicPartition, Long> now = lastOffsets(topics);
    while (!now.equals(before)) {
      awaitConsumed(applicationId, now);
      before = now;
      now = lastOffsets(topics);
    }
  }

  /** The offset of the last record of each partition of the processor's four input topics. */
  private static Map<TopicPartition, Long> lastOffsets(Topics topics) {
    Map<TopicPartition, Long> last = new HashMap<>();
    for (String topic :
        List.of(
            topics.quota.name(),
            topics.requests.name(),
            topics.commands.name(),
            topics.deliveryStatus.name())) {
      for (ConsumerRecord<byte[], byte[]> r : TopicReader.readAll(bootstrap(), topic)) {
        last.merge(new TopicPartition(r.topic(), r.partition()), r.offset(), Math::max);
      }
    }
    return last;
  }

  /**
   * Waits until {@code groupId} has committed past each of those offsets: under exactly-once, its
   * output is then committed too.
   */
  private static void awaitConsumed(String groupId, Map<TopicPartition, Long> last) {
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap()))) {
      await()
          .atMost(Duration.ofSeconds(120))
          .until(
              () -> {
                Map<TopicPartition, OffsetAndMetadata> committed =
                    admin.listConsumerGroupOffsets(groupId).partitionsToOffsetAndMetadata().get();
                return last.entrySet().stream()
                    .allMatch(
                        e ->
                            committed.get(e.getKey()) != null
                                && committed.get(e.getKey()).offset() > e.getValue());
              });
    }
  }

  private static <V> Set<String> ids(TopicSpec<String, V> topic, Function<V, String> id) {
    return TopicReader.readAll(bootstrap(), topic.name()).stream()
        .map(r -> id.apply(topic.valueSerde().deserializer().deserialize(r.topic(), r.value())))
        .collect(Collectors.toSet());
  }

  private static long count(List<AuditEvent> events, Predicate<AuditEvent> which) {
    return events.stream().filter(which).count();
  }

  private static String bootstrap() {
    return SharedKafka.bootstrapServers();
  }
}
