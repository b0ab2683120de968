package io.otpstream.processor.quota;

import static io.otpstream.processor.support.Cmd.send;
import static io.otpstream.processor.support.Cmd.settings;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.otpstream.processor.support.Cmd;
import io.otpstream.processor.support.Rig;
import io.otpstream.processor.support.Rig.Out;
import io.otpstream.processor.topology.Names;
import io.otpstream.schemas.apps.AppSettings;
import io.otpstream.schemas.apps.Limit;
import io.otpstream.schemas.audit.AuditEvent;
import io.otpstream.schemas.audit.AuditType;
import io.otpstream.schemas.command.OtpCommand;
import io.otpstream.schemas.command.OtpRequested;
import io.otpstream.schemas.decision.OtpDecision;
import io.otpstream.schemas.decision.Outcome;
import io.otpstream.schemas.limits.RuleCheck;
import io.otpstream.schemas.quota.QuotaState;
import io.otpstream.schemas.rules.RuleNames;
import io.otpstream.schemas.topics.Topics;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sends_per_number_block rule at its boundaries, through the whole topology fed as the api
 * feeds it (a send to a phone enters otp.quota keyed by app): the last send to a block allowed from
 * any client, the first refused (rule, exact Retry-After, audit with the block's key, count and
 * limit), another block untouched, and the block admitted again exactly when its oldest send slides
 * out. Sandbox sends count apart, as the other number limits do.
 */
class NumberBlockBoundaryTest {
  private static final long VERSION = 9;
  private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");
  private static final String BLOCK_A = "blk_a";
  private static final String BLOCK_B = "blk_b";
  private static final Limit THREE_PER_MINUTE = new Limit(3, 60);
  private static final String UK_MOBILE = "+447700900123";

  @TempDir Path stateDir;

  private Rig rig;
  private int requests;

  @BeforeEach
  void setUp() {
    rig = new Rig(stateDir);
  }

  @AfterEach
  void tearDown() {
    rig.close();
  }

  @Test
  void
      the_last_send_to_a_block_passes_from_any_ip_the_next_is_refused_and_the_window_frees_it_exactly() {
    final AppSettings cfg = settings(VERSION, b -> b.setSendsPerNumberBlock(THREE_PER_MINUTE));

    final Out first = rig.quota(toBlock(cfg, T0, BLOCK_A, false));
    rig.quota(toBlock(cfg, T0.plusSeconds(5), BLOCK_A, false));
    final Out lastAllowed = rig.quota(toBlock(cfg, T0.plusMillis(10_500), BLOCK_A, false));
    final Out refused = rig.quota(toBlock(cfg, T0.plusMillis(20_300), BLOCK_A, false));
    final Out otherBlock = rig.quota(toBlock(cfg, T0.plusMillis(20_300), BLOCK_B, false));
    final Out justBefore =
        rig.quota(toBlock(cfg, T0.plusSeconds(60).minusMillis(1), BLOCK_A, false));
    final Out again = rig.quota(toBlock(cfg, T0.plusSeconds(60), BLOCK_A, false));

    assertStarted(first);
    assertStarted(lastAllowed);
    assertEquals(
        new RuleCheck(RuleNames.SENDS_PER_NUMBER_BLOCK, BLOCK_A, 3L, 3L),
        checkOf(lastAllowed.event(), RuleNames.SENDS_PER_NUMBER_BLOCK));
    // the oldest send (T0) slides out at T0 + 60 s: 60.000 - 20.300 = 39.7 s, rounded up
    assertBlockFull(refused, BLOCK_A, 40);
    assertStarted(otherBlock);
    assertBlockFull(justBefore, BLOCK_A, 1);
    assertStarted(again);
  }

  @Test
  void sandbox_sends_to_a_block_count_apart_from_live_ones() {
    final AppSettings cfg = settings(VERSION, b -> b.setSendsPerNumberBlock(THREE_PER_MINUTE));
    for (int i = 0; i < 3; i++) {
      assertStarted(rig.quota(toBlock(cfg, T0.plusSeconds(i), BLOCK_A, true)));
    }
    assertBlockFull(
        rig.quota(toBlock(cfg, T0.plusSeconds(3), BLOCK_A, true)), "sandbox:" + BLOCK_A, 57);

    assertStarted(rig.quota(toBlock(cfg, T0.plusSeconds(4), BLOCK_A, false)));
  }

  @Test
  void a_send_refused_by_its_block_charges_no_quota_and_sends_nothing() {
    final AppSettings cfg =
        settings(VERSION, b -> b.setSendsPerNumberBlock(new Limit(1, 60)).setQuota(100L));
    assertStarted(rig.quota(toBlock(cfg, T0, BLOCK_A, false)));

    assertBlockFull(rig.quota(toBlock(cfg, T0.plusSeconds(1), BLOCK_A, false)), BLOCK_A, 59);

    final QuotaState spent =
        (QuotaState) rig.driver.getKeyValueStore(Names.QUOTA_STORE).get(Cmd.APP);
    assertEquals(1L, spent.getSpent(), "only the admitted send spent a message");
  }

  @Test
  void a_send_recorded_without_a_number_block_is_not_counted_so_replay_decides_it_alike() {
    final AppSettings cfg = settings(VERSION, b -> b.setSendsPerNumberBlock(new Limit(1, 60)));
    for (int i = 0; i < 3; i++) {
      assertStarted(rig.quota(toBlock(cfg, T0.plusSeconds(i), null, false)));
    }
    assertTrue(Rig.keys(rig.driver.getKeyValueStore(Names.NUMBER_BLOCK_WINDOW_STORE)).isEmpty());
  }

  @Test
  void replaying_the_recorded_quota_topic_refuses_the_same_sends_to_a_block_one_by_one() {
    final AppSettings cfg = settings(VERSION, b -> b.setSendsPerNumberBlock(THREE_PER_MINUTE));
    final List<OtpCommand> recorded = new ArrayList<>();
    final List<OtpDecision> refusedThen = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      final OtpCommand c =
          toBlock(cfg, T0.plusSeconds(7L * i), i % 3 == 0 ? BLOCK_B : BLOCK_A, i % 5 == 0);
      recorded.add(c);
      rig.quota(c).replies().stream()
          .map(r -> r.value())
          .filter(d -> RuleNames.SENDS_PER_NUMBER_BLOCK.equals(d.getRule()))
          .forEach(refusedThen::add);
    }

    final List<OtpDecision> refusedOnReplay = new ArrayList<>();
    try (Rig replay =
        new Rig(stateDir.resolve("replay"), Topics.defaults(), new Topics("replay."))) {
      recorded.forEach(c -> replay.quota(c).replies().forEach(r -> refusedOnReplay.add(r.value())));
    }

    assertTrue(refusedThen.size() >= 5, "the run refused some sends: " + refusedThen.size());
    assertEquals(refusedThen, refusedOnReplay, "stage 0 alone, replayed, refuses the same sends");
  }

  /** A send to a new subject in {@code block}, from a new client IP each time (rotating IPs). */
  private OtpCommand toBlock(
      final AppSettings cfg, final Instant at, final String block, final boolean sandbox) {
    final int n = ++requests;
    final OtpCommand c =
        send("req-" + n, at, "203.0.113." + n, cfg, "sub-" + n, "s-" + n, UK_MOBILE);
    final OtpRequested r = (OtpRequested) c.getCommand();
    return new OtpCommand(
        OtpRequested.newBuilder(r)
            .setSmsBlockId(block)
            .setMeta(
                io.otpstream.schemas.command.CommandMeta.newBuilder(r.getMeta())
                    .setSandbox(sandbox)
                    .build())
            .build());
  }

  private static void assertStarted(final Out out) {
    final OtpDecision reply = out.reply();
    assertEquals(Outcome.STARTED, reply.getOutcome(), () -> "reply " + reply);
    assertNull(reply.getRule());
    assertEquals(AuditType.SESSION_STARTED, out.event().getType());
  }

  private static void assertBlockFull(final Out out, final String key, final int retryAfter) {
    final OtpDecision reply = out.reply();
    assertEquals(Outcome.RATE_LIMITED, reply.getOutcome(), () -> "reply " + reply);
    assertEquals(RuleNames.SENDS_PER_NUMBER_BLOCK, reply.getRule());
    assertEquals(retryAfter, reply.getRetryAfterSeconds(), "retry_after_seconds");
    assertEquals(VERSION, reply.getSettingsVersion());
    final AuditEvent e = out.event();
    assertEquals(AuditType.LIMIT_EXCEEDED, e.getType());
    assertEquals(RuleNames.SENDS_PER_NUMBER_BLOCK, e.getRule());
    assertEquals(key, e.getLimitKey());
    assertEquals(e.getLimit(), e.getCount(), "a full window");
    assertTrue(out.admitted().isEmpty(), "refused before the per-IP and session stages");
    assertTrue(out.deliveries().isEmpty(), "no delivery");
  }

  private static RuleCheck checkOf(final AuditEvent e, final String rule) {
    return e.getChecks().stream().filter(c -> c.getRule().equals(rule)).findFirst().orElseThrow();
  }
}
