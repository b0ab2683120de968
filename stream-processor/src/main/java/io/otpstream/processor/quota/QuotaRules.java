package io.otpstream.processor.quota;

import io.otpstream.processor.decision.Admission;
import io.otpstream.processor.decision.CommandParts;
import io.otpstream.processor.decision.Idempotency;
import io.otpstream.processor.decision.Refusal;
import io.otpstream.processor.decision.SettingsInForce;
import io.otpstream.processor.decision.SlidingWindows;
import io.otpstream.processor.decision.SlidingWindows.Verdict;
import io.otpstream.schemas.apps.AppSettings;
import io.otpstream.schemas.audit.AuditType;
import io.otpstream.schemas.command.CommandMeta;
import io.otpstream.schemas.command.OtpCommand;
import io.otpstream.schemas.command.OtpRequested;
import io.otpstream.schemas.command.OtpRetried;
import io.otpstream.schemas.decision.OtpDecision;
import io.otpstream.schemas.decision.Outcome;
import io.otpstream.schemas.limits.RuleCheck;
import io.otpstream.schemas.quota.QuotaRefund;
import io.otpstream.schemas.quota.QuotaState;
import io.otpstream.schemas.rules.RuleNames;
import io.otpstream.schemas.topics.EntryStage;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The quota stage's rules: a function of (send or resend, what the stage decided for it before, the
 * app's balance). A send spends one message per channel; when the balance is short it is refused
 * with QUOTA_EXHAUSTED. Before that, a send to a phone is counted in its number block's window
 * ({@link NumberBlockRules}) and refused when the block is full. An Idempotency-Key repeat is
 * passed on uncharged and uncounted, to the per-IP stage that decided its first (whatever its own
 * address), or gets its refusal again.
 */
public final class QuotaRules {
  /** The most channels a session has (SMS and email): what resuming one may send. */
  private static final int RESUMED_CHANNELS = 2;

  private QuotaRules() {}

  /** What a send or resend leads to, and the app's balance after it (null when unchanged). */
  public record Charged(Admission admission, QuotaState balance) {}

  /** The balance after a later stage gave back what it did not send; null when the app has none. */
  public static QuotaState refunded(QuotaState balance, QuotaRefund refund) {
    return balance == null
        ? null
        : new QuotaState(refund.getAppId(), Math.max(0, balance.getSpent() - refund.getMessages()));
  }

  /**
   * @param command a send or resend
   * @param blocks the sends_per_number_block windows (app-keyed, so every client's sends meet)
   */
  public static Charged decide(
      Object command, Optional<OtpDecision> prior, QuotaState balance, SlidingWindows blocks) {
    CommandMeta m = CommandParts.meta(command);
    if (prior.isPresent()) {
      return new Charged(repeat(command, m, prior.get()), null);
    }
    Optional<Verdict> block = NumberBlockRules.ask(command, blocks);
    if (block.isPresent() && !block.get().allowed()) {
      return new Charged(
          new Admission.Refused(
              NumberBlockRules.refusal((OtpRequested) command, block.get()), null),
          null);
    }
    List<RuleCheck> checks = new ArrayList<>();
    block.ifPresent(
        v -> {
          NumberBlockRules.count((OtpRequested) command, blocks);
          checks.add(v.check());
        });
    AppSettings cfg = SettingsInForce.of(m);
    OtpDecision passedMark = Idempotency.forwardedMark(m, EntryStage.clientKey(m));
    if (cfg.getQuota() == null || m.getSandbox()) { // here for idempotency or blocks only
      return new Charged(
          passed(command, CommandParts.passed(m, checks).setQuotaCharged(0).build(), passedMark),
          null);
    }
    int messages = messages(command);
    long spent = balance == null ? 0 : balance.getSpent();
    long quota = cfg.getQuota();
    if (spent + messages > quota) {
      Refusal refusal =
          Refusal.of(
              m,
              CommandParts.subject(command),
              CommandParts.sessionId(command),
              Outcome.QUOTA_EXHAUSTED,
              AuditType.LIMIT_EXCEEDED,
              new RuleCheck(RuleNames.QUOTA, m.getAppId(), spent, quota),
              0);
      return new Charged(new Admission.Refused(refusal, null), null);
    }
    checks.add(new RuleCheck(RuleNames.QUOTA, m.getAppId(), spent + messages, quota));
    CommandMeta charged = CommandParts.passed(m, checks).setQuotaCharged(messages).build();
    return new Charged(
        passed(command, charged, passedMark), new QuotaState(m.getAppId(), spent + messages));
  }

  /**
   * A repeat: passed on uncharged and uncounted, after its first, to the per-IP stage that decided
   * that one.
   */
  private static Admission repeat(Object command, CommandMeta m, OtpDecision first) {
    if (!Idempotency.forwarded(first)) {
      return new Admission.Repeated(first);
    }
    CommandMeta.Builder again = CommandMeta.newBuilder(m).setQuotaCharged(0).setRepeat(true);
    if (first.getRouteKey() != null) {
      again.setIpKey(first.getRouteKey());
    }
    return passed(command, again.build(), null);
  }

  /** On to the per-IP stage, keyed as every api instance keys it there. */
  private static Admission passed(Object command, CommandMeta meta, OtpDecision memory) {
    return new Admission.Passed(
        new OtpCommand(CommandParts.withMeta(command, meta)), EntryStage.clientKey(meta), memory);
  }

  /**
   * One message per channel; an admin resend may resume an open session with more channels than it
   * names.
   */
  private static int messages(Object command) {
    if (command instanceof OtpRequested c) {
      // charge them all: the session stage gives back what it did not send
      return c.getResumeOpen()
          ? Math.max(c.getChannels().size(), RESUMED_CHANNELS)
          : c.getChannels().size();
    }
    return Math.max(1, ((OtpRetried) command).getChannels().size());
  }
}
