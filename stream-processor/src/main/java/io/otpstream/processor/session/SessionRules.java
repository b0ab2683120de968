package io.otpstream.processor.session;

import io.otpstream.common.code.OtpCodes;
import io.otpstream.processor.decision.CommandParts;
import io.otpstream.processor.decision.SlidingWindows;
import io.otpstream.schemas.command.CommandMeta;
import io.otpstream.schemas.command.OtpCheckRequested;
import io.otpstream.schemas.command.OtpRequested;
import io.otpstream.schemas.command.OtpRetried;
import io.otpstream.schemas.decision.OtpDecision;
import io.otpstream.schemas.delivery.DeliveryStatus;
import io.otpstream.schemas.session.SessionState;
import java.time.Duration;
import java.util.Optional;

/**
 * The session rules: a function of (command, session state, the subject's windows, the settings the
 * command carries). No clock and no I/O beyond the state handed in: time is the command's {@code
 * occurred_at}, so replaying the command log reaches the same decisions. The state keeps a code
 * generation, never a code. Sends, resends, checks, the step at a second subject and delivery
 * reports each have their own rules; this is the stage's one entry to them.
 */
public final class SessionRules {
  /** How long a session is kept after it expires; past that it reads as unknown (and is purged). */
  public static final Duration RETENTION_AFTER_EXPIRY = SessionLife.RETENTION_AFTER_EXPIRY;

  private final SendRules sends;
  private final ResendRules resends;
  private final CheckRules checks;
  private final SecondaryRules secondary;

  public SessionRules(OtpCodes codes) {
    SessionAnswers answers = new SessionAnswers(codes);
    this.sends = new SendRules(answers);
    this.resends = new ResendRules(answers);
    this.checks = new CheckRules(codes);
    this.secondary = new SecondaryRules(resends);
  }

  /**
   * A send, resend or check at its own subject's partition.
   *
   * @param stored the session the command names, as stored (null when none)
   * @param newest the subject's newest session, read for an admin resend that may resume it
   * @param challengeUsed whether the step-up challenge a send answers has started a verification
   *     before
   */
  public Decided decide(
      Object command,
      SessionState stored,
      SessionState newest,
      boolean challengeUsed,
      SlidingWindows windows) {
    CommandMeta m = CommandParts.meta(command);
    if (command instanceof OtpRequested c && c.getResumeOpen() && SessionLife.openFor(newest, m)) {
      return resends.resume(
          m, newest, windows); // an admin resend, and the subject has an open session
    }
    if (command instanceof OtpRequested c) {
      return onRequested(c, stored, windows, challengeUsed);
    }
    if (command instanceof OtpRetried c) {
      return onRetried(c, stored, windows);
    }
    return onCheck((OtpCheckRequested) command, stored, windows);
  }

  public Decided onRequested(
      OtpRequested cmd, SessionState existing, SlidingWindows windows, boolean challengeUsed) {
    return sends.onRequested(cmd, existing, windows, challengeUsed);
  }

  /** Unknown, purged, expired, verified or locked sessions refuse resends and checks alike. */
  public Decided onRetried(OtpRetried cmd, SessionState s, SlidingWindows windows) {
    Decided refused =
        SessionAnswers.refuseIfClosed(cmd.getMeta(), cmd.getSubjectId(), cmd.getSessionId(), s);
    return refused != null ? refused : resends.onRetried(cmd, s, windows);
  }

  public Decided onCheck(OtpCheckRequested cmd, SessionState s, SlidingWindows windows) {
    Decided refused =
        SessionAnswers.refuseIfClosed(cmd.getMeta(), cmd.getSubjectId(), cmd.getSessionId(), s);
    return refused != null ? refused : checks.onCheck(cmd, s, windows);
  }

  /**
   * What a decided send leaves in its subject's indexes (newest session, used challenge); see
   * {@link SendRules#started}.
   */
  Optional<SendRules.Started> started(Object command, Decided decided) {
    return SendRules.started(command, decided);
  }

  /**
   * A two-destination send or resend at its second subject's partition; see {@link SecondaryRules}.
   */
  SecondaryStep onSecondary(
      Object command, Optional<OtpDecision> prior, SessionState newest, SlidingWindows windows) {
    return secondary.onSecondary(command, prior, newest, windows);
  }

  DeliveryStatusRules.Noted onDeliveryStatus(DeliveryStatus status, SessionState found) {
    return DeliveryStatusRules.onStatus(status, found);
  }
}
