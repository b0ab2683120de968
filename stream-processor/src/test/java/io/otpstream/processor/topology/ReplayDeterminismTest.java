package io.otpstream.processor.topology;

import static io.otpstream.processor.support.Cmd.check;
import static io.otpstream.processor.support.Cmd.code;
import static io.otpstream.processor.support.Cmd.resend;
import static io.otpstream.processor.support.Cmd.send;
import static io.otpstream.processor.support.Cmd.settings;
import static io.otpstream.processor.support.Cmd.wrong;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.otpstream.processor.support.Rig;
import io.otpstream.processor.support.Rig.Out;
import io.otpstream.schemas.apps.AppSettings;
import io.otpstream.schemas.apps.Limit;
import io.otpstream.schemas.audit.AuditEvent;
import io.otpstream.schemas.command.OtpCommand;
import io.otpstream.schemas.command.OtpRequested;
import io.otpstream.schemas.command.OtpRetried;
import io.otpstream.schemas.common.Channel;
import io.otpstream.schemas.decision.OtpDecision;
import io.otpstream.schemas.decision.Outcome;
import io.otpstream.schemas.delivery.DeliveryRequested;
import io.otpstream.schemas.rules.RuleNames;
import io.otpstream.schemas.topics.Topics;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each stage is a function of its recorded input topic: a mixed run of ~200 commands fed as the api
 * feeds them, then replayed in a fresh driver from what was recorded (otp.requests as piped,
 * otp.commands as stage 2 consumed it: stage 1's output and the api's checks, in order), gives the
 * same decisions one by one. The replay writes scratch topics, as a real replay would, so stage 1's
 * replayed output does not flow into stage 2 a second time.
 */
class ReplayDeterminismTest {
  private static final Instant T0 = Instant.parse("2025-03-01T10:00:00Z");
  private static final int STEPS = 200;
  private static final List<String> IPS =
      List.of("203.0.113.1", "203.0.113.2", "203.0.113.3", "203.0.113.4");
  private static final List<String> SUBJECTS =
      List.of("sub-0", "sub-1", "sub-2", "sub-3", "sub-us", "sub-premium");
  private static final Map<String, String> PHONES =
      Map.of(
          "sub-0",
          "+33612345670",
          "sub-1",
          "+33612345671",
          "sub-2",
          "+33612345672",
          "sub-3",
          "+33612345673",
          "sub-us",
          "+14155550123",
          "sub-premium",
          "+449012345678");

  /**
   * Three settings versions in turn, tight enough that every rule refuses somewhere in the run.
   * Between versions only counts change, never a window's length: a lengthened window makes
   * decisions depend on housekeeping (see the disabled test below).
   */
  private static final AppSettings V3 =
      settings(
          3,
          b ->
              b.setExpirySeconds(120)
                  .setMaxCheckAttempts(2)
                  .setMaxResendsPerSession(1)
                  .setResendCooldownSeconds(5)
                  .setSendsPerIp(new Limit(4, 120))
                  .setResendsPerIp(new Limit(3, 120))
                  .setSendsPerSubject(new Limit(3, 300))
                  .setResendsPerSubject(new Limit(4, 300))
                  .setFailedChecksPerSubject(new Limit(2, 300))
                  .setFailedChecksCeiling(new Limit(50, 300)));

  private static final AppSettings V4 =
      AppSettings.newBuilder(V3)
          .setVersion(4)
          .setMaxResendsPerSession(3)
          .setResendCooldownSeconds(10)
          .setResendsPerIp(new Limit(8, 120))
          .setResendsPerSubject(new Limit(2, 300))
          .setFailedChecksCeiling(new Limit(1, 300))
          .build();
  private static final AppSettings V5 =
      AppSettings.newBuilder(V4)
          .setVersion(5)
          .setOtpLength(8)
          .setMaxCheckAttempts(3)
          .setAllowedCountries(List.of("FR", "GB"))
          .build();

  @TempDir Path stateDir;

  private Recorded run;

  @BeforeEach
  void record() {
    run = runScript(stateDir.resolve("original"));
  }

  @Test
  void the_recorded_run_exercises_every_outcome_and_every_rule() {
    final Set<Outcome> outcomes = EnumSet.noneOf(Outcome.class);
    final Set<String> rules = new TreeSet<>();
    for (TestRecord<String, OtpDecision> r : run.allReplies) {
      outcomes.add(r.value().getOutcome());
      if (r.value().getRule() != null) {
        rules.add(r.value().getRule());
      }
    }
    assertEquals(STEPS, run.allReplies.size(), "one reply per command");
    assertTrue(
        outcomes.containsAll(
            EnumSet.of(
                Outcome.STARTED,
                Outcome.RESENT,
                Outcome.VERIFIED,
                Outcome.WRONG_CODE,
                Outcome.LOCKED,
                Outcome.EXPIRED,
                Outcome.NOT_FOUND,
                Outcome.ALREADY_VERIFIED,
                Outcome.RATE_LIMITED,
                Outcome.REFUSED)),
        "outcomes " + outcomes);
    assertTrue(
        rules.containsAll(
            List.of(
                RuleNames.SENDS_PER_IP,
                RuleNames.RESENDS_PER_IP,
                RuleNames.SENDS_PER_SUBJECT,
                RuleNames.RESENDS_PER_SUBJECT,
                RuleNames.RESENDS_PER_SESSION,
                RuleNames.RESEND_COOLDOWN,
                RuleNames.FAILED_CHECKS_PER_SUBJECT,
                RuleNames.FAILED_CHECKS_CEILING,
                RuleNames.ALLOWED_COUNTRIES,
                RuleNames.PREMIUM_RATE)),
        "rules " + rules);
    assertTrue(
        run.stage1Replies.size() > 5 && run.stage2Replies.size() > 100,
        run.stage1Replies.size() + " stage-1 and " + run.stage2Replies.size() + " stage-2 replies");
  }

  @Test
  void
      replaying_each_stage_over_its_recorded_topic_gives_the_same_replies_events_and_deliveries_one_by_one() {
    try (Rig replay =
        new Rig(stateDir.resolve("replay"), Topics.defaults(), new Topics("replay."))) {
      final Out stage1 = collect(replay, run.requestsLog, true);
      final Out stage2 = collect(replay, run.commandsLog, false);

      assertSameRecords("stage 1 output on otp.commands", run.stage1Admitted, stage1.admitted());
      assertSameRecords("stage 1 replies", run.stage1Replies, stage1.replies());
      assertSameRecords("stage 1 audit events", run.stage1Events, stage1.events());
      assertTrue(stage1.sms().isEmpty() && stage1.email().isEmpty());
      assertTrue(stage2.admitted().isEmpty());
      assertSameRecords("stage 2 replies", run.stage2Replies, stage2.replies());
      assertSameRecords("stage 2 audit events", run.stage2Events, stage2.events());
      assertSameRecords("sms deliveries", run.sms, stage2.sms());
    }
  }

  @Test
  void
      replaying_both_recorded_topics_in_the_recorded_interleaving_gives_the_same_replies_in_the_same_order() {
    try (Rig replay =
        new Rig(stateDir.resolve("replay"), Topics.defaults(), new Topics("replay."))) {
      final List<TestRecord<String, OtpDecision>> replies = new ArrayList<>();
      final List<TestRecord<String, AuditEvent>> events = new ArrayList<>();
      int request = 0;
      int command = 0;
      for (Step step : run.steps) {
        final List<Out> outs = new ArrayList<>();
        for (int i = 0; i < step.requests(); i++) {
          outs.add(replay.request(run.requestsLog.get(request++)));
        }
        for (int i = 0; i < step.commands(); i++) {
          outs.add(replay.command(run.commandsLog.get(command++)));
        }
        outs.forEach(
            o -> {
              replies.addAll(o.replies());
              events.addAll(o.events());
            });
      }

      assertSameRecords("replies", run.allReplies, replies);
      assertSameRecords("audit events", run.allEvents, events);
    }
  }

  // ---- a settings change that lengthens a window -------------------------------------------

  @Test
  void a_stage_by_stage_replay_decides_alike_after_a_settings_change_that_lengthens_a_window() {
    final AppSettings minute = settings(7, b -> b.setSendsPerSubject(new Limit(1, 60)));
    final AppSettings hour = settings(8, b -> b.setSendsPerSubject(new Limit(1, 3600)));
    final TestRecord<String, OtpCommand> first =
        new TestRecord<>(
            IPS.get(0),
            send("req-1", T0, IPS.get(0), minute, "sub-x", "s1", PHONES.get("sub-0")),
            T0);
    final Instant later = T0.plusSeconds(600);
    final TestRecord<String, OtpCommand> other =
        new TestRecord<>(
            "sub-y", check("req-2", later, IPS.get(1), minute, "sub-y", "nobody", "000000"), later);
    final Instant second = T0.plusSeconds(660);
    final TestRecord<String, OtpCommand> again =
        new TestRecord<>(
            IPS.get(0),
            send("req-3", second, IPS.get(0), hour, "sub-x", "s2", PHONES.get("sub-0")),
            second);

    final List<TestRecord<String, OtpCommand>> commandsLog = new ArrayList<>();
    final List<TestRecord<String, OtpDecision>> original = new ArrayList<>();
    try (Rig rig = new Rig(stateDir.resolve("lengthen-original"))) {
      for (Out out : List.of(rig.request(first), rig.command(other), rig.request(again))) {
        original.addAll(out.replies());
      }
    }
    try (Rig rig = new Rig(stateDir.resolve("lengthen-record"))) {
      commandsLog.addAll(rig.request(first).admitted());
      commandsLog.add(other);
      rig.command(other);
      commandsLog.addAll(rig.request(again).admitted());
    }
    final List<TestRecord<String, OtpDecision>> replayed = new ArrayList<>();
    try (Rig replay =
        new Rig(stateDir.resolve("lengthen-replay"), Topics.defaults(), new Topics("replay."))) {
      replayed.addAll(collect(replay, List.of(first, again), true).replies());
      replayed.addAll(collect(replay, commandsLog, false).replies());
    }

    assertEquals(3, original.size());
    assertEquals(3, replayed.size());
    for (TestRecord<String, OtpDecision> o : original) {
      final TestRecord<String, OtpDecision> r =
          replayed.stream().filter(x -> x.key().equals(o.key())).findFirst().orElseThrow();
      assertEquals(o.value(), r.value(), () -> "replayed decision for " + o.key());
    }
  }

  // ---- requests to two destinations ---------------------------------------------------------

  @Test
  void
      sends_and_resends_to_two_destinations_replay_alike_from_otp_commands_with_what_the_session_stage_wrote_back() {
    final AppSettings cfg =
        settings(
            9,
            b -> b.setSendsPerSubject(new Limit(2, 600)).setResendsPerSubject(new Limit(3, 600)));
    final List<TestRecord<String, OtpCommand>> commandsLog = new ArrayList<>();
    final List<TestRecord<String, OtpDecision>> original = new ArrayList<>();
    final List<TestRecord<String, AuditEvent>> originalEvents = new ArrayList<>();
    try (Rig rig = new Rig(stateDir.resolve("two-original"))) {
      for (int i = 0; i < 6; i++) {
        final Instant at = T0.plusSeconds(i);
        final String session = "two-" + (i % 3);
        final OtpCommand c =
            i < 3
                ? send(
                    "two-req-" + i,
                    at,
                    IPS.get(i % 2),
                    cfg,
                    "sub-" + i,
                    session,
                    PHONES.get("sub-" + i))
                : resend("two-req-" + i, at, IPS.get(i % 2), cfg, "sub-" + (i % 3), session);
        if (c.getCommand() instanceof OtpRequested r) {
          r.setChannels(List.of(Channel.SMS, Channel.EMAIL));
          r.setEmailTo("shared@example.com");
          r.setSecondarySubjectId("sub-mailbox");
        } else {
          ((OtpRetried) c.getCommand()).setSecondarySubjectId("sub-mailbox");
        }
        final Out out = rig.request(new TestRecord<>(IPS.get(i % 2), c, at));
        commandsLog.addAll(out.admitted());
        original.addAll(out.replies());
        originalEvents.addAll(out.events());
      }
    }
    try (Rig replay =
        new Rig(stateDir.resolve("two-replay"), Topics.defaults(), new Topics("replay."))) {
      final Out replayed = collect(replay, commandsLog, false);

      assertTrue(
          original.stream().anyMatch(r -> r.value().getOutcome() == Outcome.RATE_LIMITED),
          "the mailbox's window fills");
      assertTrue(
          commandsLog.stream().anyMatch(r -> r.key().equals("sub-mailbox")),
          "counted under the mailbox first");
      assertSameRecords("replies", original, replayed.replies());
      assertSameRecords("audit events", originalEvents, replayed.events());
    }
  }

  // ---- the recorded run ---------------------------------------------------------------------

  /** How many records of each input topic one step of the run consumed. */
  private record Step(int requests, int commands) {}

  /** Everything the original run consumed and emitted, split by the stage that emitted it. */
  private static final class Recorded {
    final List<Step> steps = new ArrayList<>();
    final List<TestRecord<String, OtpCommand>> requestsLog = new ArrayList<>();
    final List<TestRecord<String, OtpCommand>> commandsLog = new ArrayList<>();
    final List<TestRecord<String, OtpCommand>> stage1Admitted = new ArrayList<>();
    final List<TestRecord<String, OtpDecision>> stage1Replies = new ArrayList<>();
    final List<TestRecord<String, AuditEvent>> stage1Events = new ArrayList<>();
    final List<TestRecord<String, OtpDecision>> stage2Replies = new ArrayList<>();
    final List<TestRecord<String, AuditEvent>> stage2Events = new ArrayList<>();
    final List<TestRecord<String, OtpDecision>> allReplies = new ArrayList<>();
    final List<TestRecord<String, AuditEvent>> allEvents = new ArrayList<>();
    final List<TestRecord<String, DeliveryRequested>> sms = new ArrayList<>();
  }

  /** A seeded mix of sends, resends, right and wrong checks over 6 subjects and 4 IPs. */
  private static Recorded runScript(final Path dir) {
    final Random random = new Random(20250301L);
    final Recorded rec = new Recorded();
    final List<String> sessions = new ArrayList<>();
    final Map<String, String> subjectOf = new HashMap<>();
    final Map<String, Integer> lengthOf = new HashMap<>();
    final Map<String, Integer> generationOf = new HashMap<>();
    Instant now = T0;
    try (Rig rig = new Rig(dir)) {
      for (int step = 0; step < STEPS; step++) {
        now = now.plusMillis(random.nextInt(6_000));
        if (step > 0 && step % 35 == 0) {
          now =
              now.plusSeconds(
                  600 + random.nextInt(3_600)); // expiries, retention, slid windows, housekeeping
        }
        final AppSettings cfg = step < STEPS / 3 ? V3 : step < 2 * STEPS / 3 ? V4 : V5;
        // one busy IP and one busy subject, so the per-IP and per-subject windows fill up
        final String ip = random.nextBoolean() ? IPS.get(0) : IPS.get(random.nextInt(IPS.size()));
        final String id = "req-" + step;
        final int kind = random.nextInt(100);
        if (kind < 30 || sessions.isEmpty()) {
          final String subject =
              random.nextInt(100) < 40
                  ? SUBJECTS.get(0)
                  : SUBJECTS.get(random.nextInt(SUBJECTS.size()));
          final String session = "s-" + step;
          sessions.add(session);
          subjectOf.put(session, subject);
          lengthOf.put(session, cfg.getOtpLength());
          generationOf.put(session, 0);
          request(
              rig,
              rec,
              new TestRecord<>(
                  ip, send(id, now, ip, cfg, subject, session, PHONES.get(subject)), now));
        } else {
          // mostly one of the latest sessions; sometimes any, now long expired; sometimes none at
          // all
          final int latest = Math.max(0, sessions.size() - 4);
          final String session =
              kind >= 95
                  ? "s-unknown-" + step
                  : random.nextInt(100) < 80
                      ? sessions.get(latest + random.nextInt(sessions.size() - latest))
                      : sessions.get(random.nextInt(sessions.size()));
          final String subject = subjectOf.getOrDefault(session, "sub-0");
          if (kind < 50) {
            final Out out =
                request(
                    rig,
                    rec,
                    new TestRecord<>(ip, resend(id, now, ip, cfg, subject, session), now));
            if (out.reply().getOutcome() == Outcome.RESENT) {
              generationOf.merge(session, 1, Integer::sum);
            }
          } else {
            final String right =
                code(
                    session,
                    generationOf.getOrDefault(session, 0),
                    lengthOf.getOrDefault(session, 6));
            final String submitted = kind < 75 || kind >= 95 ? right : wrong(right);
            final TestRecord<String, OtpCommand> c =
                new TestRecord<>(
                    subject, check(id, now, ip, cfg, subject, session, submitted), now);
            rec.commandsLog.add(c);
            final Out out = rig.command(c);
            rec.steps.add(new Step(0, 1));
            rec.stage2Replies.addAll(out.replies());
            rec.stage2Events.addAll(out.events());
            all(rec, out);
          }
        }
      }
    }
    return rec;
  }

  /**
   * Pipes a send or resend into otp.requests and files what it led to under the stage that emitted
   * it.
   */
  private static Out request(
      final Rig rig, final Recorded rec, final TestRecord<String, OtpCommand> r) {
    rec.requestsLog.add(r);
    final Out out = rig.request(r);
    assertEquals(1, out.replies().size());
    rec.stage1Admitted.addAll(out.admitted());
    rec.commandsLog.addAll(out.admitted());
    rec.steps.add(new Step(1, out.admitted().size()));
    if (out.admitted().isEmpty()) { // refused by stage 1, which answered and audited it
      rec.stage1Replies.addAll(out.replies());
      rec.stage1Events.addAll(out.events());
    } else {
      rec.stage2Replies.addAll(out.replies());
      rec.stage2Events.addAll(out.events());
    }
    all(rec, out);
    return out;
  }

  private static void all(final Recorded rec, final Out out) {
    rec.allReplies.addAll(out.replies());
    rec.allEvents.addAll(out.events());
    rec.sms.addAll(out.sms());
    assertTrue(out.email().isEmpty());
  }

  /** Pipes recorded records into one input topic and collects everything emitted. */
  private static Out collect(
      final Rig rig, final List<TestRecord<String, OtpCommand>> log, final boolean requests) {
    final List<Out> outs = new ArrayList<>();
    for (TestRecord<String, OtpCommand> r : log) {
      outs.add(requests ? rig.request(copy(r)) : rig.command(copy(r)));
    }
    final Out all =
        new Out(
            new ArrayList<>(),
            new ArrayList<>(),
            new ArrayList<>(),
            new ArrayList<>(),
            new ArrayList<>());
    for (Out o : outs) {
      all.admitted().addAll(o.admitted());
      all.replies().addAll(o.replies());
      all.events().addAll(o.events());
      all.sms().addAll(o.sms());
      all.email().addAll(o.email());
    }
    return all;
  }

  /** A deep copy, so nothing the first run holds can be shared with the replay. */
  private static TestRecord<String, OtpCommand> copy(final TestRecord<String, OtpCommand> r) {
    return new TestRecord<>(
        r.key(), OtpCommand.newBuilder(r.value()).build(), r.headers(), r.getRecordTime());
  }

  private static <V> void assertSameRecords(
      final String what,
      final List<TestRecord<String, V>> expected,
      final List<TestRecord<String, V>> actual) {
    assertTrue(!expected.isEmpty(), what + ": nothing recorded");
    for (int i = 0; i < Math.min(expected.size(), actual.size()); i++) {
      final TestRecord<String, V> e = expected.get(i);
      final TestRecord<String, V> a = actual.get(i);
      final int n = i;
      assertEquals(e.key(), a.key(), () -> what + " #" + n + " key");
      assertEquals(e.value(), a.value(), () -> what + " #" + n);
      assertEquals(e.getRecordTime(), a.getRecordTime(), () -> what + " #" + n + " timestamp");
    }
    assertEquals(expected.size(), actual.size(), what + ": count");
  }
}
