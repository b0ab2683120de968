package io.otpstream.processor.session;

import io.otpstream.common.code.OtpCodes;
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
import io.otpstream.schemas.session.SessionState;
import io.otpstream.schemas.session.SessionStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The session rules as a pure function of (command, current state, policy): no clock, no I/O.
 * Time is the command's {@code occurred_at}, so replaying the command log reaches the same
 * decisions. The state keeps a code generation, never a code.
 */
public final class SessionRules {
  public static final String RULE_RESENDS_PER_SESSION = "resends_per_session";
  public static final String RULE_CHECK_ATTEMPTS = "max_check_attempts";
  public static final int MIN_EXPIRY_SECONDS = 60;
  public static final int MAX_EXPIRY_SECONDS = 86_400;
  public static final int MAX_ATTEMPTS = 10;

  private final OtpCodes codes;

  public SessionRules(OtpCodes codes) {
    this.codes = codes;
  }

  public Decided onRequested(OtpRequested cmd, SessionState existing, SessionPolicy policy) {
    CommandMeta m = cmd.getMeta();
    if (existing != null) { // the same session id again: answer as before, change nothing
      return new Decided(null, reply(m, existing, Outcome.STARTED).setAttemptsRemaining(remaining(existing)).build(),
          List.of(), List.of());
    }
    Instant now = m.getOccurredAt();
    int expiry = pick(cmd.getExpirySeconds(), policy.expirySeconds(), MIN_EXPIRY_SECONDS, MAX_EXPIRY_SECONDS);
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
        .setOtpLength(pick(cmd.getOtpLength(), policy.otpLength(), OtpCodes.MIN_LENGTH, OtpCodes.MAX_LENGTH))
        .setExpirySeconds(expiry)
        .setMaxAttempts(pick(cmd.getMaxAttempts(), policy.maxCheckAttempts(), 1, MAX_ATTEMPTS))
        .setFailedAttempts(0)
        .setResends(0)
        .setCreatedAt(now)
        .setLastSentAt(now)
        .setExpiresAt(now.plusSeconds(expiry))
        .setTemplateId(cmd.getTemplateId())
        .setLocale(cmd.getLocale())
        .setSettingsVersion(policy.settingsVersion())
        .build();
    OtpDecision reply = withCode(reply(m, s, Outcome.STARTED).setAttemptsRemaining(s.getMaxAttempts()), s).build();
    return new Decided(s, reply, deliveries(s, now), List.of(audit(m, s, AuditType.SESSION_STARTED, Outcome.STARTED).build()));
  }

  public Decided onRetried(OtpRetried cmd, SessionState s, SessionPolicy policy) {
    CommandMeta m = cmd.getMeta();
    Decided refused = refuseIfClosed(m, cmd.getSubjectId(), cmd.getSessionId(), s);
    if (refused != null) {
      return refused;
    }
    Instant now = m.getOccurredAt();
    if (s.getResends() >= policy.maxResendsPerSession()) {
      int retryAfter = secondsUntil(now, s.getExpiresAt());
      OtpDecision reply = reply(m, s, Outcome.RATE_LIMITED).setRule(RULE_RESENDS_PER_SESSION)
          .setRetryAfterSeconds(retryAfter).build();
      AuditEvent event = audit(m, s, AuditType.LIMIT_EXCEEDED, Outcome.RATE_LIMITED)
          .setRule(RULE_RESENDS_PER_SESSION).setLimitKey(s.getSessionId())
          .setCount((long) s.getResends()).setLimit((long) policy.maxResendsPerSession()).build();
      return new Decided(null, reply, List.of(), List.of(event));
    }
    SessionState next = SessionState.newBuilder(s)
        .setGeneration(s.getGeneration() + 1)
        .setFailedAttempts(0)
        .setResends(s.getResends() + 1)
        .setLastSentAt(now)
        .setExpiresAt(now.plusSeconds(s.getExpirySeconds()))
        .build();
    OtpDecision reply = withCode(reply(m, next, Outcome.RESENT).setAttemptsRemaining(next.getMaxAttempts()), next).build();
    AuditEvent event = audit(m, next, AuditType.RESENT, Outcome.RESENT)
        .setRule(RULE_RESENDS_PER_SESSION).setLimitKey(s.getSessionId())
        .setCount((long) next.getResends()).setLimit((long) policy.maxResendsPerSession()).build();
    return new Decided(next, reply, deliveries(next, now), List.of(event));
  }

  public Decided onCheck(OtpCheckRequested cmd, SessionState s) {
    CommandMeta m = cmd.getMeta();
    Decided refused = refuseIfClosed(m, cmd.getSubjectId(), cmd.getSessionId(), s);
    if (refused != null) {
      return refused;
    }
    boolean allMatch = !cmd.getCodes().isEmpty();
    for (SubmittedCode c : cmd.getCodes()) {
      boolean match = codes.matches(s.getAppId(), s.getSessionId(), s.getGeneration(), s.getOtpLength(), c.getMac().array());
      allMatch &= match && s.getChannels().contains(c.getChannel());
    }
    if (allMatch) {
      SessionState verified = SessionState.newBuilder(s).setStatus(SessionStatus.VERIFIED).build();
      return new Decided(verified, reply(m, verified, Outcome.VERIFIED).setAttemptsRemaining(remaining(s)).build(),
          List.of(), List.of(audit(m, verified, AuditType.VERIFIED, Outcome.VERIFIED).build()));
    }
    int failed = s.getFailedAttempts() + 1;
    boolean lock = failed >= s.getMaxAttempts();
    SessionState next = SessionState.newBuilder(s).setFailedAttempts(failed)
        .setStatus(lock ? SessionStatus.LOCKED : SessionStatus.OPEN).build();
    List<AuditEvent> events = new ArrayList<>();
    events.add(audit(m, next, AuditType.CHECK_FAILED, Outcome.WRONG_CODE).setRule(RULE_CHECK_ATTEMPTS)
        .setLimitKey(s.getSessionId()).setCount((long) failed).setLimit((long) s.getMaxAttempts()).build());
    if (lock) {
      events.add(audit(m, next, AuditType.LOCKED, Outcome.LOCKED).setRule(RULE_CHECK_ATTEMPTS)
          .setLimitKey(s.getSessionId()).setCount((long) failed).setLimit((long) s.getMaxAttempts()).build());
    }
    OtpDecision reply = reply(m, next, Outcome.WRONG_CODE).setAttemptsRemaining(remaining(next)).build();
    return new Decided(next, reply, List.of(), events);
  }

  /** Unknown, expired, verified or locked sessions refuse resends and checks alike. */
  private Decided refuseIfClosed(CommandMeta m, String subjectId, String sessionId, SessionState s) {
    if (s == null) {
      OtpDecision reply = OtpDecision.newBuilder().setRequestId(m.getRequestId()).setReplyPartition(m.getReplyPartition())
          .setSessionId(sessionId).setOutcome(Outcome.NOT_FOUND).setDecidedAt(m.getOccurredAt())
          .setSettingsVersion(m.getSettingsVersion()).build();
      AuditEvent event = AuditEvent.newBuilder().setType(AuditType.NOT_FOUND).setOutcome(Outcome.NOT_FOUND)
          .setRequestId(m.getRequestId()).setOccurredAt(m.getOccurredAt()).setAppId(m.getAppId())
          .setSubjectId(subjectId).setSessionId(sessionId).setClientIp(m.getClientIp())
          .setSettingsVersion(m.getSettingsVersion()).build();
      return new Decided(null, reply, List.of(), List.of(event));
    }
    Outcome outcome = switch (s.getStatus()) {
      case VERIFIED -> Outcome.ALREADY_VERIFIED;
      case LOCKED -> Outcome.LOCKED;
      default -> m.getOccurredAt().isBefore(s.getExpiresAt()) ? null : Outcome.EXPIRED;
    };
    if (outcome == null) {
      return null;
    }
    AuditType type = outcome == Outcome.EXPIRED ? AuditType.EXPIRED : AuditType.REFUSED;
    return new Decided(null, reply(m, s, outcome).setAttemptsRemaining(remaining(s)).build(), List.of(),
        List.of(audit(m, s, type, outcome).setDetail("session " + s.getStatus().name().toLowerCase()).build()));
  }

  private OtpDecision.Builder reply(CommandMeta m, SessionState s, Outcome outcome) {
    return OtpDecision.newBuilder()
        .setRequestId(m.getRequestId())
        .setReplyPartition(m.getReplyPartition())
        .setSessionId(s.getSessionId())
        .setOutcome(outcome)
        .setDecidedAt(m.getOccurredAt())
        .setExpiresAt(s.getExpiresAt())
        .setChannels(s.getChannels())
        .setSettingsVersion(s.getSettingsVersion());
  }

  /** Sandbox sessions are the one place a code leaves the service in a reply: their API returns it. */
  private OtpDecision.Builder withCode(OtpDecision.Builder reply, SessionState s) {
    if (s.getSandbox()) {
      reply.setSandboxCode(codes.code(s.getAppId(), s.getSessionId(), s.getGeneration(), s.getOtpLength()));
    }
    return reply;
  }

  private static AuditEvent.Builder audit(CommandMeta m, SessionState s, AuditType type, Outcome outcome) {
    return AuditEvent.newBuilder()
        .setType(type)
        .setOutcome(outcome)
        .setRequestId(m.getRequestId())
        .setOccurredAt(m.getOccurredAt())
        .setAppId(s.getAppId())
        .setSubjectId(s.getSubjectId())
        .setSessionId(s.getSessionId())
        .setClientIp(m.getClientIp())
        .setGeneration(s.getGeneration())
        .setSettingsVersion(s.getSettingsVersion());
  }

  private static List<DeliveryRequested> deliveries(SessionState s, Instant now) {
    if (s.getSandbox()) {
      return List.of();
    }
    List<DeliveryRequested> out = new ArrayList<>();
    for (Channel channel : s.getChannels()) {
      String destination = channel == Channel.SMS ? s.getSmsTo() : s.getEmailTo();
      out.add(DeliveryRequested.newBuilder()
          .setDeliveryId(s.getSessionId() + ":" + s.getGeneration() + ":" + channel.name().toLowerCase())
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
          .build());
    }
    return out;
  }

  private static int remaining(SessionState s) {
    return Math.max(0, s.getMaxAttempts() - s.getFailedAttempts());
  }

  /** A per-request override, clamped to the bounds the api also enforces; the processor never trusts its input. */
  private static int pick(Integer requested, int dflt, int min, int max) {
    return requested == null ? dflt : Math.max(min, Math.min(max, requested));
  }

  private static int secondsUntil(Instant now, Instant then) {
    long ms = then.toEpochMilli() - now.toEpochMilli();
    return (int) Math.max(1, (ms + 999) / 1000);
  }
}
