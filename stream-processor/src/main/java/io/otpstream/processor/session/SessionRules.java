package io.otpstream.processor.session;

import io.otpstream.schemas.rules.RuleNames;
import io.otpstream.common.code.OtpCodes;
import io.otpstream.processor.decision.Answers;
import io.otpstream.processor.decision.LimitKeys;
import io.otpstream.processor.decision.Refusal;
import io.otpstream.processor.decision.SettingsInForce;
import io.otpstream.processor.decision.SlidingWindows;
import io.otpstream.processor.decision.SlidingWindows.Verdict;
import io.otpstream.schemas.apps.AppSettings;
import io.otpstream.schemas.audit.AuditEvent;
import io.otpstream.schemas.audit.AuditType;
import io.otpstream.schemas.command.CommandMeta;
import io.otpstream.schemas.command.OtpCheckRequested;
import io.otpstream.schemas.command.OtpRequested;
import io.otpstream.schemas.command.OtpRetried;
import io.otpstream.schemas.command.SubmittedCode;
import io.otpstream.schemas.common.Channel;
import io.otpstream.schemas.decision.OtpDecision;
import io.otpstream.schemas.decision.Outcome;
import io.otpstream.schemas.delivery.DeliveryRequested;
import io.otpstream.schemas.limits.RuleCheck;
import io.otpstream.schemas.session.SessionState;
import io.otpstream.schemas.session.SessionStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The session rules: a function of (command, session state, the subject's windows, the settings
 * the command carries). No clock and no I/O beyond the stores handed in: time is the command's
 * {@code occurred_at}, so replaying the command log reaches the same decisions. The state keeps a
 * code generation, never a code.
 */
public final class SessionRules {
  public static final int MIN_EXPIRY_SECONDS = 60;
  public static final int MAX_EXPIRY_SECONDS = 86_400;
  public static final int MAX_ATTEMPTS = 20;
  /** How long a session is kept after it expires; past that it reads as unknown (and is purged). */
  public static final Duration RETENTION_AFTER_EXPIRY = Duration.ofHours(1);

  private final OtpCodes codes;

  public SessionRules(OtpCodes codes) {
    this.codes = codes;
  }

  /**
   * A send: opens the session, or refuses it.
   *
   * @param challengeUsed whether the step-up challenge the send answers has started a verification before
   */
  public Decided onRequested(OtpRequested cmd, SessionState existing, SlidingWindows windows, boolean challengeUsed) {
    CommandMeta m = cmd.getMeta();
    AppSettings cfg = SettingsInForce.of(m);
    if (existing != null && retained(existing, m.getOccurredAt())) { // the same session id again: answer as before
      return new Decided(null, reply(m, existing, Outcome.STARTED).setAttemptsRemaining(remaining(existing)).build(),
          List.of(), List.of());
    }
    if (challengeUsed) {
      return new Decided(null, Answers.reply(m, cmd.getSessionId(), Outcome.CHALLENGE_USED).setRule(RuleNames.CHALLENGE_ONCE).build(),
          List.of(), List.of(Answers.audit(m, cmd.getSubjectId(), cmd.getSessionId(), AuditType.REFUSED, Outcome.CHALLENGE_USED)
          .setRule(RuleNames.CHALLENGE_ONCE).setDetail("challenge " + cmd.getChallengeId() + " has already started a verification").build()));
    }
    Instant now = m.getOccurredAt();
    String subjectKey = LimitKeys.subject(cmd.getSubjectId(), m);
    Verdict sends = windows.ask(RuleNames.SENDS_PER_SUBJECT, subjectKey, cfg.getSendsPerSubject(), now.toEpochMilli());
    if (!sends.allowed()) {
      return limited(m, cmd.getSubjectId(), cmd.getSessionId(), null, sends);
    }
    windows.record(RuleNames.SENDS_PER_SUBJECT, subjectKey, cfg.getSendsPerSubject(), now.toEpochMilli());
    int expiry = pick(cmd.getExpirySeconds(), cfg.getExpirySeconds(), MIN_EXPIRY_SECONDS, MAX_EXPIRY_SECONDS);
    SessionState s = SessionState.newBuilder()
        .setSessionId(cmd.getSessionId())
        .setAppId(m.getAppId())
        .setSubjectId(cmd.getSubjectId())
        .setStatus(SessionStatus.OPEN)
        .setChannels(cmd.getChannels())
        .setSmsTo(cmd.getSmsTo())
        .setEmailTo(cmd.getEmailTo())
        .setSandbox(m.getSandbox())
        .setGeneration(0)
        .setOtpLength(pick(cmd.getOtpLength(), cfg.getOtpLength(), OtpCodes.MIN_LENGTH, OtpCodes.MAX_LENGTH))
        .setExpirySeconds(expiry)
        .setMaxAttempts(pick(cmd.getMaxAttempts(), cfg.getMaxCheckAttempts(), 1, MAX_ATTEMPTS))
        .setFailedAttempts(0)
        .setResends(0)
        .setCreatedAt(now)
        .setLastSentAt(now)
        .setExpiresAt(now.plusSeconds(expiry))
        .setTemplateId(cmd.getTemplateId())
        .setLocale(cmd.getLocale())
        .setSenderId(cmd.getSenderId())
        .setSettingsVersion(cfg.getVersion())
        .build();
    OtpDecision reply = withCode(reply(m, s, Outcome.STARTED).setAttemptsRemaining(s.getMaxAttempts()), s).build();
    AuditEvent event = audit(m, s, AuditType.SESSION_STARTED, Outcome.STARTED, sends.check()).build();
    return new Decided(s, reply, deliveries(s, now), List.of(event));
  }

  public Decided onRetried(OtpRetried cmd, SessionState s, SlidingWindows windows) {
    CommandMeta m = cmd.getMeta();
    AppSettings cfg = SettingsInForce.of(m);
    Decided refused = refuseIfClosed(m, cmd.getSubjectId(), cmd.getSessionId(), s);
    if (refused != null) {
      return refused;
    }
    Instant now = m.getOccurredAt();
    long nowMs = now.toEpochMilli();
    int maxResends = cfg.getMaxResendsPerSession();
    if (s.getResends() >= maxResends) {
      RuleCheck check = SlidingWindows.ruleCheck(RuleNames.RESENDS_PER_SESSION, s.getSessionId(), s.getResends(), maxResends);
      return limited(m, s.getSubjectId(), s.getSessionId(), s,
          new Verdict(check.getRule(), check.getKey(), false, s.getResends(), maxResends, secondsUntil(now, s.getExpiresAt())));
    }
    long sinceLastMs = nowMs - s.getLastSentAt().toEpochMilli();
    long cooldownMs = cfg.getResendCooldownSeconds() * 1000L;
    // A resend stamped before the last send (another api instance stamped it a moment earlier, and it
    // was decided later) is within any cooldown; without a cooldown nothing waits.
    if (cooldownMs > 0 && sinceLastMs < cooldownMs) {
      int wait = (int) Math.max(1, (cooldownMs - sinceLastMs + 999) / 1000);
      return limited(m, s.getSubjectId(), s.getSessionId(), s,
          new Verdict(RuleNames.RESEND_COOLDOWN, s.getSessionId(), false, 1, 1, wait));
    }
    String subjectKey = LimitKeys.subject(s.getSubjectId(), m);
    Verdict perSubject = windows.ask(RuleNames.RESENDS_PER_SUBJECT, subjectKey, cfg.getResendsPerSubject(), nowMs);
    if (!perSubject.allowed()) {
      return limited(m, s.getSubjectId(), s.getSessionId(), s, perSubject);
    }
    windows.record(RuleNames.RESENDS_PER_SUBJECT, subjectKey, cfg.getResendsPerSubject(), nowMs);
    SessionState next = SessionState.newBuilder(s)
        .setGeneration(s.getGeneration() + 1)
        .setFailedAttempts(0)
        .setResends(s.getResends() + 1)
        .setLastSentAt(now)
        .setExpiresAt(now.plusSeconds(s.getExpirySeconds()))
        .build();
    OtpDecision reply = withCode(reply(m, next, Outcome.RESENT).setAttemptsRemaining(next.getMaxAttempts()), next).build();
    AuditEvent event = audit(m, next, AuditType.RESENT, Outcome.RESENT,
        SlidingWindows.ruleCheck(RuleNames.RESENDS_PER_SESSION, s.getSessionId(), next.getResends(), maxResends), perSubject.check()).build();
    return new Decided(next, reply, deliveries(next, now), List.of(event));
  }

  public Decided onCheck(OtpCheckRequested cmd, SessionState s, SlidingWindows windows) {
    CommandMeta m = cmd.getMeta();
    AppSettings cfg = SettingsInForce.of(m);
    Decided refused = refuseIfClosed(m, cmd.getSubjectId(), cmd.getSessionId(), s);
    if (refused != null) {
      return refused;
    }
    long nowMs = m.getOccurredAt().toEpochMilli();
    // Wrong codes count per subject and source, so a source that reaches its limit (someone locking
    // a user out) stops only itself; and per subject from every source together, up to a ceiling
    // that distributed guessing meets (NIST 800-63B: at most 100 in a row).
    String fromSource = LimitKeys.subjectFromSource(s.getSubjectId(), m);
    String fromAll = LimitKeys.subject(s.getSubjectId(), m);
    Verdict failedChecks = windows.ask(RuleNames.FAILED_CHECKS_PER_SUBJECT, fromSource, cfg.getFailedChecksPerSubject(), nowMs);
    if (!failedChecks.allowed()) {
      return limited(m, s.getSubjectId(), s.getSessionId(), s, failedChecks);
    }
    Verdict ceiling = windows.ask(RuleNames.FAILED_CHECKS_CEILING, fromAll, cfg.getFailedChecksCeiling(), nowMs);
    if (!ceiling.allowed()) {
      return limited(m, s.getSubjectId(), s.getSessionId(), s, ceiling);
    }
    boolean allMatch = !cmd.getCodes().isEmpty();
    for (SubmittedCode c : cmd.getCodes()) {
      boolean match = codes.matches(s.getAppId(), s.getSessionId(), s.getGeneration(), s.getOtpLength(), c.getMac().array());
      allMatch &= match && s.getChannels().contains(c.getChannel());
    }
    if (allMatch) {
      // the failures before a success are no longer in a row; this source's are forgiven too
      windows.clear(RuleNames.FAILED_CHECKS_CEILING, fromAll);
      windows.clear(RuleNames.FAILED_CHECKS_PER_SUBJECT, fromSource);
      SessionState verified = SessionState.newBuilder(s).setStatus(SessionStatus.VERIFIED).build();
      return new Decided(verified, reply(m, verified, Outcome.VERIFIED).setAttemptsRemaining(remaining(s)).build(),
          List.of(), List.of(audit(m, verified, AuditType.VERIFIED, Outcome.VERIFIED).build()));
    }
    windows.record(RuleNames.FAILED_CHECKS_PER_SUBJECT, fromSource, cfg.getFailedChecksPerSubject(), nowMs);
    windows.record(RuleNames.FAILED_CHECKS_CEILING, fromAll, cfg.getFailedChecksCeiling(), nowMs);
    int failed = s.getFailedAttempts() + 1;
    boolean lock = failed >= s.getMaxAttempts();
    SessionState next = SessionState.newBuilder(s).setFailedAttempts(failed)
        .setStatus(lock ? SessionStatus.LOCKED : SessionStatus.OPEN).build();
    RuleCheck attempts = SlidingWindows.ruleCheck(RuleNames.CHECK_ATTEMPTS, s.getSessionId(), failed, s.getMaxAttempts());
    List<AuditEvent> events = new ArrayList<>();
    events.add(audit(m, next, AuditType.CHECK_FAILED, Outcome.WRONG_CODE, attempts, failedChecks.check(), ceiling.check()).build());
    if (lock) {
      events.add(audit(m, next, AuditType.LOCKED, Outcome.LOCKED, attempts).build());
    }
    OtpDecision reply = reply(m, next, Outcome.WRONG_CODE).setAttemptsRemaining(remaining(next)).build();
    return new Decided(next, reply, List.of(), events);
  }

  /**
   * A send or resend to two destinations, at the partition of its second destination's subject:
   * counted against that subject's send or resend window before it goes on to its own subject,
   * where it is decided. The count is of an attempt: the decision that follows may still refuse.
   *
   * @return the refusal, or empty with the check recorded in {@code passed}
   */
  public Optional<Decided> countSecondary(Object command, SlidingWindows windows, List<RuleCheck> passed) {
    boolean send = command instanceof OtpRequested;
    CommandMeta m = send ? ((OtpRequested) command).getMeta() : ((OtpRetried) command).getMeta();
    String secondary = send ? ((OtpRequested) command).getSecondarySubjectId() : ((OtpRetried) command).getSecondarySubjectId();
    String sessionId = send ? ((OtpRequested) command).getSessionId() : ((OtpRetried) command).getSessionId();
    AppSettings cfg = SettingsInForce.of(m);
    String rule = send ? RuleNames.SENDS_PER_SUBJECT : RuleNames.RESENDS_PER_SUBJECT;
    var limit = send ? cfg.getSendsPerSubject() : cfg.getResendsPerSubject();
    long nowMs = m.getOccurredAt().toEpochMilli();
    Verdict v = windows.ask(rule, LimitKeys.subject(secondary, m), limit, nowMs);
    if (!v.allowed()) {
      return Optional.of(limited(m, secondary, sessionId, null, v));
    }
    windows.record(rule, LimitKeys.subject(secondary, m), limit, nowMs);
    passed.add(v.check());
    return Optional.empty();
  }

  /** A refusal by a limit: reply RATE_LIMITED with the rule and Retry-After, audit LIMIT_EXCEEDED. */
  private Decided limited(CommandMeta m, String subjectId, String sessionId, SessionState s, Verdict v) {
    Refusal r = Refusal.of(m, subjectId, sessionId, Outcome.RATE_LIMITED, AuditType.LIMIT_EXCEEDED, v.check(), v.retryAfterSeconds());
    OtpDecision reply = s == null ? r.reply()
        : OtpDecision.newBuilder(r.reply()).setExpiresAt(s.getExpiresAt()).setChannels(s.getChannels()).build();
    AuditEvent event = s == null ? r.event() : AuditEvent.newBuilder(r.event()).setGeneration(s.getGeneration()).build();
    return new Decided(null, reply, List.of(), List.of(event));
  }

  /** Unknown, purged, expired, verified or locked sessions refuse resends and checks alike. */
  private Decided refuseIfClosed(CommandMeta m, String subjectId, String sessionId, SessionState s) {
    Instant now = m.getOccurredAt();
    // A live session is not reachable with a sandbox key, nor a sandbox one with a live key.
    if (s == null || !retained(s, now) || s.getSandbox() != m.getSandbox()) {
      return new Decided(null, Answers.reply(m, sessionId, Outcome.NOT_FOUND).build(), List.of(),
          List.of(Answers.audit(m, subjectId, sessionId, AuditType.NOT_FOUND, Outcome.NOT_FOUND).build()));
    }
    Outcome outcome = switch (s.getStatus()) {
      case VERIFIED -> Outcome.ALREADY_VERIFIED;
      case LOCKED -> Outcome.LOCKED;
      default -> now.isBefore(s.getExpiresAt()) ? null : Outcome.EXPIRED;
    };
    if (outcome == null) {
      return null;
    }
    AuditType type = outcome == Outcome.EXPIRED ? AuditType.EXPIRED : AuditType.REFUSED;
    return new Decided(null, reply(m, s, outcome).setAttemptsRemaining(remaining(s)).build(), List.of(),
        List.of(audit(m, s, type, outcome).setDetail("session " + s.getStatus().name().toLowerCase(Locale.ROOT)).build()));
  }

  /**
   * Is the session still kept at {@code now}? Past this, it reads as unknown whether or not
   * housekeeping has purged it yet, so purging never changes a decision.
   */
  public static boolean retained(SessionState s, Instant now) {
    return now.isBefore(s.getExpiresAt().plus(RETENTION_AFTER_EXPIRY));
  }

  private OtpDecision.Builder reply(CommandMeta m, SessionState s, Outcome outcome) {
    return Answers.reply(m, s.getSessionId(), outcome)
        .setExpiresAt(s.getExpiresAt())
        .setChannels(s.getChannels());
  }

  /** Sandbox sessions are the one place a code leaves the service in a reply: their API returns it. */
  private OtpDecision.Builder withCode(OtpDecision.Builder reply, SessionState s) {
    if (s.getSandbox()) {
      reply.setSandboxCode(codes.code(s.getAppId(), s.getSessionId(), s.getGeneration(), s.getOtpLength()));
    }
    return reply;
  }

  private static AuditEvent.Builder audit(CommandMeta m, SessionState s, AuditType type, Outcome outcome, RuleCheck... checks) {
    return Answers.audit(m, s.getSubjectId(), s.getSessionId(), type, outcome, checks).setGeneration(s.getGeneration());
  }

  private static List<DeliveryRequested> deliveries(SessionState s, Instant now) {
    if (s.getSandbox()) {
      return List.of();
    }
    List<DeliveryRequested> out = new ArrayList<>();
    for (Channel channel : s.getChannels()) {
      String destination = channel == Channel.SMS ? s.getSmsTo() : s.getEmailTo();
      out.add(DeliveryRequested.newBuilder()
          .setDeliveryId(DeliveryIds.of(s.getSessionId(), s.getGeneration(), channel.name().toLowerCase(Locale.ROOT)))
          .setSessionId(s.getSessionId())
          .setSubjectId(s.getSubjectId())
          .setAppId(s.getAppId())
          .setChannel(channel)
          .setDestination(destination)
          .setGeneration(s.getGeneration())
          .setOtpLength(s.getOtpLength())
          .setRequestedAt(now)
          .setExpiresAt(s.getExpiresAt())
          .setTemplateId(s.getTemplateId())
          .setLocale(s.getLocale())
          .setSenderId(s.getSenderId())
          .build());
    }
    return out;
  }

  private static int remaining(SessionState s) {
    return Math.max(0, s.getMaxAttempts() - s.getFailedAttempts());
  }

  /** A per-request override, clamped to fixed bounds; the processor never trusts its input. */
  private static int pick(Integer requested, int dflt, int min, int max) {
    return Math.max(min, Math.min(max, requested == null ? dflt : requested));
  }

  private static int secondsUntil(Instant now, Instant then) {
    long ms = then.toEpochMilli() - now.toEpochMilli();
    return (int) Math.max(1, (ms + 999) / 1000);
  }
}
