package io.otpstream.e2e.replay;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.otpstream.common.outbox.Outbox;
import io.otpstream.e2e.support.Installations;
import io.otpstream.e2e.support.SharedKafka;
import io.otpstream.e2e.support.TestPipeline;
import io.otpstream.e2e.support.TopicReader;
import io.otpstream.launcher.replay.ReplayCommand;
import io.otpstream.processor.topology.Names;
import io.otpstream.schemas.audit.AuditEvent;
import io.otpstream.schemas.audit.AuditType;
import io.otpstream.schemas.decision.OtpDecision;
import io.otpstream.schemas.decision.Outcome;
import io.otpstream.schemas.rules.RuleNames;
import io.otpstream.schemas.topics.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The audit trail after housekeeping and retention: a rich history recorded through the real
 * pipeline (see {@link History}), then traffic eight days later (see {@link LaterTraffic}), which
 * moves the processor's stream time on so its housekeeping empties the live stores of the history
 * (sessions, windows, idempotency memories), then the history's replies deleted from {@code
 * otp.replies} as its one-hour retention deletes them. {@code otpstream replay verify} still
 * reproduces every decision: the history's on the audit log, the later traffic's on the replies
 * that are left; and a decision forged into the audit log is still caught.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ReplayAfterHousekeepingTest {
  /**
   * Past everything housekeeping keeps: sessions (expiry + 1 h), idempotency memories and used
   * challenges (24 h), and windows (7 days after their newest event, the longest a setting allows).
   */
  private static final Duration LATER = Duration.ofDays(8);

  /** The later traffic's sends made at once, between two looks at which partitions it reached. */
  private static final int ROUND = 16;

  /** The stores housekeeping sweeps (the used challenges too, but the history starts none). */
  private static final List<String> SWEPT =
      List.of(
          Names.QUOTA_IDEMPOTENCY_STORE,
          Names.IP_WINDOW_STORE,
          Names.IP_IDEMPOTENCY_STORE,
          Names.SESSION_STORE,
          Names.SUBJECT_WINDOW_STORE,
          Names.SUBJECT_SESSION_STORE,
          Names.SESSION_IDEMPOTENCY_STORE);

  /**
   * A recording aged as above: the history's commands (their replies deleted), the later ones, the
   * decisions on the replies before the deletion, and the decisions' audit events.
   */
  record Aged(
      ReplayVerifyTest.Recorded recorded,
      Set<String> history,
      Set<String> later,
      int allDecisions,
      int laterDecisions,
      Set<String> audited,
      List<AuditEvent> events,
      long repliesCut) {}

  /** Traffic days later carries timestamps days ahead of the broker's clock: let them in. */
  /** One aged log for both tests (it takes a minute to make): verified as it is, then forged. */
  private static Aged aged;

  @BeforeAll
  static void acceptTimestampsDaysAhead() throws Exception {
    AgedLog.allowTimestampsAhead(LATER.plusDays(1));
    aged = age("aged");
  }

  @AfterAll
  static void restoreTheDefault() throws Exception {
    AgedLog.allowTimestampsAhead(null);
  }

  @Test
  @Order(1)
  void replay_verify_after_housekeeping_and_reply_retention_reproduces_every_decision()
      throws Exception {
    Topics topics = aged.recorded().topics();

    ReplayVerifyTest.Run run = ReplayVerifyTest.verify(aged.recorded());

    String out = run.out();
    assertEquals(0, run.exit(), out + run.err());
    assertTrue(out.contains("recorded log: complete"), out);
    Set<String> all = new TreeSet<>(aged.history());
    all.addAll(aged.later());
    assertEquals(
        List.of(all.size(), aged.laterDecisions(), aged.allDecisions()),
        ReplayVerifyTest.numbers(
            out, "commands: (\\d+), decisions recorded: (\\d+), replayed: (\\d+)"));
    assertEquals(
        List.of(aged.later().size(), aged.laterDecisions(), aged.history().size()),
        ReplayVerifyTest.numbers(
            out, ReplayVerifyTest.compared(topics.replies.name(), "decisions")),
        "the later traffic compared on the replies left, the history's deleted by retention");
    assertTrue(
        out.contains(topics.replies.name() + " partition 0 from offset " + aged.repliesCut()), out);
    assertEquals(
        List.of(aged.audited().size(), aged.events().size(), 0),
        ReplayVerifyTest.numbers(
            out, ReplayVerifyTest.compared(topics.events.name(), "audit events")),
        "every decision with an audit event compared on the audit log");
    Set<String> unaudited = new TreeSet<>(aged.history());
    unaudited.removeAll(aged.audited());
    assertEquals(
        List.of(unaudited.size()),
        ReplayVerifyTest.numbers(out, "not compared: (\\d+) commands"),
        out);
    assertTrue(aged.history().size() - unaudited.size() >= 30, "a rich history was compared");
    assertTrue(out.contains("divergences: 0\n"), out);
    ReplayVerifyTest.assertNothingLeft(aged.recorded());
  }

  @Test
  @Order(2)
  void a_decision_forged_into_the_audit_log_is_still_caught_after_its_reply_was_deleted()
      throws Exception {
    Installations.notReplayable(
        aged.recorded().prefix(),
        "a decision forged into its otp.events: the divergence it expects");
    Topics topics = aged.recorded().topics();
    AuditEvent real =
        aged.events().stream()
            .filter(e -> e.getType() == AuditType.SESSION_STARTED)
            .filter(e -> aged.history().contains(e.getRequestId()))
            .findFirst()
            .orElseThrow();
    AuditEvent forged =
        AuditEvent.newBuilder(real)
            .setType(AuditType.LIMIT_EXCEEDED)
            .setOutcome(Outcome.RATE_LIMITED)
            .setRule(RuleNames.SENDS_PER_SUBJECT)
            .build();
    try (KafkaProducer<String, AuditEvent> producer =
        new KafkaProducer<>(
            Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap()),
            new StringSerializer(),
            topics.events.valueSerde().serializer())) {
      producer.send(new ProducerRecord<>(topics.events.name(), real.getSubjectId(), forged)).get();
    }

    ReplayVerifyTest.Run run = ReplayVerifyTest.verify(aged.recorded());

    String out = run.out();
    assertEquals(ReplayCommand.DIVERGED, run.exit(), out + run.err());
    assertTrue(out.contains("divergences: 1\n"), out);
    String divergence = out.substring(out.indexOf("divergences: 1"));
    assertTrue(divergence.contains(real.getRequestId()), out);
    assertTrue(divergence.contains("recorded on " + topics.events.name()), out);
    assertTrue(divergence.contains("LIMIT_EXCEEDED RATE_LIMITED rule=sends_per_subject"), out);
    assertFalse(divergence.contains("recorded on " + topics.replies.name()), out);
    ReplayVerifyTest.assertNothingLeft(aged.recorded());
  }

  /**
   * Records the history, runs the later traffic until it has reached every partition of the quota,
   * the per-IP and the session stage, waits until housekeeping has swept every entry the history
   * left in the live stores, stops the pipeline and deletes the history's replies.
   */
  private static Aged age(String name) throws Exception {
    Outbox outbox = TestPipeline.newOutbox();
    Set<String> later = new TreeSet<>();
    ReplayVerifyTest.Recorded recorded;
    Map<TopicPartition, Long> historyReplies;
    try (TestPipeline pipeline = TestPipeline.start(name, outbox, History.FIRST_SETTINGS)) {
      History history = new History(pipeline, outbox);
      history.underTheFirstSettings();
      history.changeSettings();
      history.underTheSecondSettings();
      Topics topics = pipeline.kafka.topics();
      ReplayTest.awaitSettled(topics, pipeline.applicationId);
      historyReplies = AgedLog.endOffsets(topics.replies.name());
      Map<String, Set<String>> before = new TreeMap<>();
      for (String store : SWEPT) {
        before.put(store, AgedLog.liveKeys(pipeline.applicationId, store));
        assertFalse(before.get(store).isEmpty(), store + " holds the history");
      }
      try (LaterTraffic traffic = new LaterTraffic(pipeline, LATER)) {
        long from = traffic.now().toEpochMilli();
        // one with an Idempotency-Key, the rest each to its own number block: sends to a phone
        // enter at the quota stage under their block's shard, so they reach all its partitions
        later.add(traffic.sandboxSend("+14155557000", "10.9.0.250", "later-tick").getRequestId());
        // in rounds of sends at once: one topic check per round, not per send
        for (int i = 1; !everyPartitionReached(topics, from); ) {
          assertTrue(i <= 160, "the later traffic reached every partition");
          List<CompletableFuture<OtpDecision>> round = new ArrayList<>();
          for (int end = i + ROUND; i < end; i++) {
            round.add(
                traffic.startSandboxSend(
                    String.format("+1415%03d7000", 200 + i),
                    "10.9." + i / 200 + "." + i % 200,
                    null));
          }
          for (CompletableFuture<OtpDecision> sent : round) {
            OtpDecision d = sent.get(30, TimeUnit.SECONDS);
            assertEquals(Outcome.STARTED, d.getOutcome(), d.toString());
            later.add(d.getRequestId());
          }
        }
      }
      ReplayTest.awaitSettled(topics, pipeline.applicationId);
      await()
          .atMost(Duration.ofSeconds(60))
          .untilAsserted(
              () -> {
                for (String store : SWEPT) {
                  Set<String> left = AgedLog.liveKeys(pipeline.applicationId, store);
                  left.retainAll(before.get(store));
                  assertEquals(Set.of(), left, "left in " + store + " by housekeeping");
                }
              });
      recorded =
          new ReplayVerifyTest.Recorded(
              topics, pipeline.kafka.topicPrefix(), pipeline.secretBase64);
    }
    Topics topics = recorded.topics();
    List<OtpDecision> decisions =
        TopicReader.readAll(bootstrap(), topics.replies.name()).stream()
            .map(r -> topics.replies.valueSerde().deserializer().deserialize(r.topic(), r.value()))
            .toList();
    Set<String> history = new TreeSet<>();
    decisions.forEach(d -> history.add(d.getRequestId()));
    history.removeAll(later);
    List<AuditEvent> events =
        TopicReader.readAll(bootstrap(), topics.events.name()).stream()
            .map(r -> topics.events.valueSerde().deserializer().deserialize(r.topic(), r.value()))
            .filter(e -> e.getRequestId() != null)
            .toList();
    Set<String> audited = new HashSet<>();
    events.forEach(e -> audited.add(e.getRequestId()));
    assertTrue(
        history.containsAll(audited.stream().filter(id -> !later.contains(id)).toList()),
        "every audited command was answered");
    int laterDecisions =
        (int) decisions.stream().filter(d -> later.contains(d.getRequestId())).count();
    assertEquals(
        Map.of(0, historyReplies.get(new TopicPartition(topics.replies.name(), 0))),
        AgedLog.deleteHeads(historyReplies),
        "the history's replies, all on the api's partition, deleted");
    return new Aged(
        recorded,
        history,
        later,
        decisions.size(),
        laterDecisions,
        audited,
        events,
        historyReplies.get(new TopicPartition(topics.replies.name(), 0)));
  }

  /** Has a record at or after {@code from} reached every partition of the three stages' inputs? */
  private static boolean everyPartitionReached(Topics topics, long from) {
    for (var topic : List.of(topics.quota, topics.requests, topics.commands)) {
      Set<Integer> reached = new HashSet<>();
      for (ConsumerRecord<byte[], byte[]> r : TopicReader.readAll(bootstrap(), topic.name())) {
        if (r.timestamp() >= from) {
          reached.add(r.partition());
        }
      }
      if (reached.size() < topic.partitions()) {
        return false;
      }
    }
    return true;
  }

  private static String bootstrap() {
    return SharedKafka.bootstrapServers();
  }
}
