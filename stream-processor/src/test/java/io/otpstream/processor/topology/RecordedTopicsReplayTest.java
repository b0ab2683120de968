package io.otpstream.processor.topology;

import static io.otpstream.processor.support.Cmd.check;
import static io.otpstream.processor.support.Cmd.code;
import static io.otpstream.processor.support.Cmd.resend;
import static io.otpstream.processor.support.Cmd.send;
import static io.otpstream.processor.support.Cmd.settings;
import static io.otpstream.processor.support.Cmd.wrong;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.otpstream.processor.support.Cmd;
import io.otpstream.schemas.apps.AppSettings;
import io.otpstream.schemas.command.OtpCommand;
import io.otpstream.schemas.command.OtpRequested;
import io.otpstream.schemas.command.OtpRetried;
import io.otpstream.schemas.common.Channel;
import io.otpstream.schemas.decision.OtpDecision;
import io.otpstream.schemas.decision.Outcome;
import io.otpstream.schemas.delivery.DeliveryState;
import io.otpstream.schemas.delivery.DeliveryStatus;
import io.otpstream.schemas.rules.RuleNames;
import io.otpstream.schemas.topics.TopicSpec;
import io.otpstream.schemas.topics.Topics;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * All three stages, each re-run over its recorded input topic (otp.quota with the refunds the later
 * stages wrote back, otp.requests as the quota stage passed it on, otp.commands with what the
 * session stage wrote back, otp.delivery.status), write what the original run wrote, record for
 * record: live sends to two destinations through a quota that runs out under one settings version
 * and not under the next, Idempotency-Key repeats from another address, delivery statuses and
 * refunds. {@link ReplayDeterminismTest} covers the rules; this covers what flows between stages.
 */
class RecordedTopicsReplayTest {
  private static final Instant T0 = Instant.parse("2026-03-01T08:00:00Z");
  private static final Topics RECORDED = Topics.defaults();
  private static final AppSettings V1 = settings(1, b -> b.setQuota(6L).setMaxResendsPerSession(1));
  private static final AppSettings V2 =
      AppSettings.newBuilder(V1).setVersion(2).setQuota(10L).build();

  @TempDir Path dir;

  @Test
  void every_stage_replayed_over_its_recorded_topic_writes_what_the_original_wrote() {
    final List<Step> steps = new ArrayList<>();
    final Map<String, List<String>> original;
    final List<OtpDecision> decisions;
    try (Driver run = new Driver(dir.resolve("original"), RECORDED, RECORDED)) {
      script(run, steps);
      original = run.written();
      decisions = run.decisions;
    }
    final Map<String, List<String>> replayed;
    try (Driver replay = new Driver(dir.resolve("replay"), RECORDED, new Topics("replay."))) {
      for (Step step : steps) {
        step.quota().forEach(r -> replay.quota.pipeInput(r));
        step.requests().forEach(r -> replay.requests.pipeInput(r));
        step.commands().forEach(r -> replay.commands.pipeInput(r));
        step.statuses().forEach(r -> replay.statuses.pipeInput(r));
      }
      replayed = replay.written();
    }

    assertTrue(
        decisions.stream()
            .anyMatch(
                d -> d.getOutcome() == Outcome.QUOTA_EXHAUSTED && d.getSettingsVersion() == 1),
        "a 402 under version 1 that version 2 would have let through");
    for (String rule :
        List.of(RuleNames.QUOTA, RuleNames.PREMIUM_RATE, RuleNames.RESENDS_PER_SESSION)) {
      assertTrue(decisions.stream().anyMatch(d -> rule.equals(d.getRule())), "refused by " + rule);
    }
    assertEquals(
        3,
        decisions.stream().filter(d -> d.getRequestId().equals("k-send")).count(),
        "a send and its two repeats");
    assertTrue(
        original.get(Topics.EVENTS).stream().anyMatch(e -> e.contains("DELIVERY_STATUS")),
        "statuses recorded");
    assertEquals(2, original.get(Topics.QUOTA).size(), "two refunds");
    assertTrue(
        original.get(Topics.COMMANDS).stream()
            .anyMatch(c -> c.contains("\"secondary_counted\": true")));
    for (String topic : original.keySet()) {
      assertTrue(!original.get(topic).isEmpty(), topic + ": the original wrote nothing");
      final List<String> o = original.get(topic);
      final List<String> r = replayed.get(topic);
      assertTrue(
          o.equals(r),
          () ->
              topic
                  + ": only in the original "
                  + minus(o, r)
                  + "; only in the replay "
                  + minus(r, o));
    }
  }

  private static List<String> minus(final List<String> from, final List<String> these) {
    final List<String> left = new ArrayList<>(from);
    these.forEach(left::remove);
    return left;
  }

  /**
   * One api write and what the stages wrote back to their own input topics meanwhile, topic by
   * topic.
   */
  private record Step(
      List<TestRecord<String, OtpCommand>> quota,
      List<TestRecord<String, OtpCommand>> requests,
      List<TestRecord<String, OtpCommand>> commands,
      List<TestRecord<String, DeliveryStatus>> statuses) {}

  private static void script(final Driver run, final List<Step> steps) {
    run.toQuota(
        idempotent(
            both(send("k-send", at(1), "203.0.113.1", V1, "sub-a", "s-a", "+33612345670")), "send"),
        steps); // 2 of 6
    run.toQuota(
        idempotent(
            both(send("k-send", at(2), "203.0.113.2", V1, "sub-a", "s-a2", "+33612345670")),
            "send"),
        steps);
    run.status(status("s-a:0:sms", at(3)), steps);
    run.status(status("s-a:0:email", at(3)), steps);
    final String wrong = wrong(code("s-a", 0, 6));
    run.toCommands(
        idempotent(check("k-check", at(4), "203.0.113.1", V1, "sub-a", "s-a", wrong), "check"),
        steps);
    run.toCommands(
        idempotent(check("k-check", at(5), "203.0.113.2", V1, "sub-a", "s-a", wrong), "check"),
        steps);
    run.toQuota(retried(resend("r-1", at(6), "203.0.113.1", V1, "sub-a", "s-a")), steps); // 4 of 6
    run.status(status("s-a:1:sms", at(7)), steps);
    run.toQuota(
        retried(resend("r-2", at(8), "203.0.113.1", V1, "sub-a", "s-a")),
        steps); // over the per-session limit: refunded
    run.toQuota(
        send("r-3", at(9), "203.0.113.3", V1, "sub-b", "s-b", "+33612345671"), steps); // 5 of 6
    run.toQuota(
        send("r-4", at(10), "203.0.113.4", V1, "sub-c", "s-c", "+449012345678"),
        steps); // premium rate: refunded
    run.toQuota(
        send("r-5", at(11), "203.0.113.5", V1, "sub-d", "s-d", "+33612345673"), steps); // 6 of 6
    for (int i = 0;
        i < 2;
        i++) { // 7 of 6: refused, and its repeat answered by the quota stage alike
      run.toQuota(
          idempotent(
              send("k-over", at(12 + i), "203.0.113.6", V1, "sub-e", "s-e" + i, "+33612345674"),
              "over"),
          steps);
    }
    run.toQuota(
        send("r-6", at(14), "203.0.113.7", V2, "sub-f", "s-f", "+33612345675"), steps); // 7 of 10
    run.toQuota(
        idempotent(
            both(send("k-send", at(15), "203.0.113.8", V2, "sub-a", "s-a3", "+33612345670")),
            "send"),
        steps);
    run.toCommands(
        check("r-7", at(16), "203.0.113.1", V2, "sub-a", "s-a", code("s-a", 1, 6)), steps);
  }

  private static Instant at(final int seconds) {
    return T0.plusSeconds(seconds);
  }

  /** To a phone and a mailbox: counted at the mailbox's subject first. */
  private static OtpCommand both(final OtpCommand send) {
    final OtpRequested r = (OtpRequested) send.getCommand();
    r.setChannels(List.of(Channel.SMS, Channel.EMAIL));
    r.setEmailTo("a@example.com");
    r.setSecondarySubjectId("sub-mail-a");
    return send;
  }

  private static OtpCommand retried(final OtpCommand resend) {
    final OtpRetried r = (OtpRetried) resend.getCommand();
    r.setChannels(List.of(Channel.SMS, Channel.EMAIL));
    r.setSecondarySubjectId("sub-mail-a");
    return resend;
  }

  private static OtpCommand idempotent(final OtpCommand command, final String key) {
    Cmd.metaOf(command).setIdempotencyKey(key);
    return command;
  }

  /**
   * A dispatcher's report on a delivery of session s-a (keyed by the session's subject, whatever
   * the channel).
   */
  private static DeliveryStatus status(final String deliveryId, final Instant at) {
    return DeliveryStatus.newBuilder()
        .setDeliveryId(deliveryId)
        .setSessionId("s-a")
        .setSubjectId("sub-a")
        .setAppId(Cmd.APP)
        .setChannel(deliveryId.endsWith("sms") ? Channel.SMS : Channel.EMAIL)
        .setState(DeliveryState.SENT)
        .setProvider("outbox")
        .setAttempt(1)
        .setOccurredAt(at)
        .build();
  }

  /**
   * The whole topology reading {@code read} and writing {@code write}; with the same topics, what a
   * stage writes flows on.
   */
  private static final class Driver implements AutoCloseable {
    final TopologyTestDriver driver;
    final List<OtpDecision> decisions = new ArrayList<>();

    /**
     * What the stages wrote to their own input topics, as the original run drained it step by step.
     */
    private final Map<String, List<String>> drained = new TreeMap<>();

    final TestInputTopic<String, OtpCommand> quota;
    final TestInputTopic<String, OtpCommand> requests;
    final TestInputTopic<String, OtpCommand> commands;
    final TestInputTopic<String, DeliveryStatus> statuses;
    private final TestOutputTopic<String, OtpCommand> passedOn;
    private final TestOutputTopic<String, OtpCommand> admitted;
    private final TestOutputTopic<String, OtpCommand> refunds;
    private final Topics write;

    Driver(final Path state, final Topics read, final Topics write) {
      final Properties p = new Properties();
      p.put(StreamsConfig.APPLICATION_ID_CONFIG, "otp-replay-test");
      p.put(StreamsConfig.STATE_DIR_CONFIG, state.toString());
      this.driver = new TopologyTestDriver(OtpTopology.build(read, write, Cmd.CODES), p);
      this.write = write;
      this.quota = input(read.quota);
      this.requests = input(read.requests);
      this.commands = input(read.commands);
      this.statuses = input(read.deliveryStatus);
      this.passedOn = output(write.requests);
      this.admitted = output(write.commands);
      this.refunds = output(write.quota);
    }

    /**
     * An api write to otp.quota (keyed by app), recorded with what the stages passed on and wrote
     * back.
     */
    void toQuota(final OtpCommand c, final List<Step> steps) {
      final TestRecord<String, OtpCommand> r =
          new TestRecord<>(Cmd.APP, c, Cmd.metaOf(c).getOccurredAt());
      quota.pipeInput(r);
      steps.add(recorded(List.of(r), List.of()));
    }

    /** An api write to otp.commands (a check, keyed by subject). */
    void toCommands(final OtpCommand c, final List<Step> steps) {
      final TestRecord<String, OtpCommand> r =
          new TestRecord<>(Cmd.subjectOf(c), c, Cmd.metaOf(c).getOccurredAt());
      commands.pipeInput(r);
      steps.add(recorded(List.of(), List.of(r)));
    }

    void status(final DeliveryStatus s, final List<Step> steps) {
      final TestRecord<String, DeliveryStatus> r =
          new TestRecord<>(s.getSubjectId(), s, s.getOccurredAt());
      statuses.pipeInput(r);
      steps.add(new Step(List.of(), List.of(), List.of(), List.of(r)));
    }

    private Step recorded(
        final List<TestRecord<String, OtpCommand>> quotaIn,
        final List<TestRecord<String, OtpCommand>> commandsIn) {
      final List<TestRecord<String, OtpCommand>> q = new ArrayList<>(quotaIn);
      q.addAll(drain(Topics.QUOTA, refunds));
      final List<TestRecord<String, OtpCommand>> c = new ArrayList<>(commandsIn);
      c.addAll(drain(Topics.COMMANDS, admitted));
      return new Step(q, drain(Topics.REQUESTS, passedOn), c, List.of());
    }

    private List<TestRecord<String, OtpCommand>> drain(
        final String topic, final TestOutputTopic<String, OtpCommand> from) {
      final List<TestRecord<String, OtpCommand>> records = from.readRecordsToList();
      records.forEach(r -> drained.computeIfAbsent(topic, t -> new ArrayList<>()).add(render(r)));
      return records;
    }

    /**
     * Everything written since (by logical topic), each record whole, sorted: records of several
     * partitions.
     */
    Map<String, List<String>> written() {
      final Map<String, List<String>> out = new TreeMap<>();
      drain(Topics.QUOTA, refunds);
      drain(Topics.REQUESTS, passedOn);
      drain(Topics.COMMANDS, admitted);
      drained.forEach((topic, records) -> out.put(topic, records.stream().sorted().toList()));
      out.put(Topics.REPLIES, render(output(write.replies)));
      out.put(Topics.EVENTS, render(output(write.events)));
      out.put(Topics.DELIVERY_SMS, render(output(write.deliverySms)));
      out.put(Topics.DELIVERY_EMAIL, render(output(write.deliveryEmail)));
      return out;
    }

    private <V> List<String> render(final TestOutputTopic<String, V> topic) {
      final List<String> out = new ArrayList<>();
      for (TestRecord<String, V> r : topic.readRecordsToList()) {
        if (r.value() instanceof OtpDecision d) {
          decisions.add(d);
        }
        out.add(render(r));
      }
      out.sort(null);
      return out;
    }

    private static String render(final TestRecord<String, ?> r) {
      return r.key() + " @" + r.timestamp() + " " + r.value();
    }

    private <V> TestInputTopic<String, V> input(final TopicSpec<String, V> t) {
      return driver.createInputTopic(
          t.name(), Serdes.String().serializer(), t.valueSerde().serializer());
    }

    private <V> TestOutputTopic<String, V> output(final TopicSpec<String, V> t) {
      return driver.createOutputTopic(
          t.name(), Serdes.String().deserializer(), t.valueSerde().deserializer());
    }

    @Override
    public void close() {
      driver.close();
    }
  }
}
