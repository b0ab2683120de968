package io.otpstream.processor.session;

import io.otpstream.processor.decision.Answers;
import io.otpstream.processor.decision.CommandParts;
import io.otpstream.processor.decision.Idempotency;
import io.otpstream.processor.decision.Refunds;
import io.otpstream.processor.decision.SlidingWindows;
import io.otpstream.processor.streams.StoreEntries;
import io.otpstream.processor.streams.Sweep;
import io.otpstream.processor.topology.Names;
import io.otpstream.schemas.audit.AuditEvent;
import io.otpstream.schemas.audit.AuditType;
import io.otpstream.schemas.command.CommandMeta;
import io.otpstream.schemas.command.OtpCheckRequested;
import io.otpstream.schemas.command.OtpCommand;
import io.otpstream.schemas.command.OtpRequested;
import io.otpstream.schemas.command.OtpRetried;
import io.otpstream.schemas.common.Channel;
import io.otpstream.schemas.decision.OtpDecision;
import io.otpstream.schemas.decision.Outcome;
import io.otpstream.schemas.delivery.DeliveryRequested;
import io.otpstream.schemas.delivery.DeliveryStatus;
import io.otpstream.schemas.limits.SlidingWindow;
import io.otpstream.schemas.session.SessionState;
import io.otpstream.schemas.session.SessionStatus;
import io.otpstream.schemas.limits.RuleCheck;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The session stage, keyed by subject: adapts {@link SessionRules} to the topology. Reads the
 * session and the subject's windows, decides, writes the new state, and forwards the reply, the
 * deliveries and the audit events, all in one transaction. A request to two destinations passes
 * twice: first at its second subject's partition, which counts it there (and forwards it to
 * {@code otp.commands} under its own subject), then at its own, which decides. Sessions long past expiry and windows
 * that slid empty are purged on stream time, so a replay purges at the same points.
 */
public final class SessionProcessor implements Processor<String, SpecificRecord, String, SpecificRecord> {
  private static final Logger log = LoggerFactory.getLogger(SessionProcessor.class);
  private static final Duration HOUSEKEEPING = Duration.ofMinutes(5);

  private final SessionRules rules;
  private ProcessorContext<String, SpecificRecord> context;
  private KeyValueStore<String, SessionState> sessions;
  private KeyValueStore<String, SlidingWindow> windowStore;
  private KeyValueStore<String, String> newestSession;
  private KeyValueStore<String, Long> usedChallenges;
  private KeyValueStore<String, OtpDecision> idempotencyStore;
  private SlidingWindows windows;
  private Idempotency idempotency;
  /** What the secondary-subject step did with each idempotent request, apart from the decisions. */
  private Idempotency secondaryIdempotency;

  public SessionProcessor(SessionRules rules) {
    this.rules = rules;
  }

  @Override
  public void init(ProcessorContext<String, SpecificRecord> context) {
    this.context = context;
    this.sessions = context.getStateStore(Names.SESSION_STORE);
    this.windowStore = context.getStateStore(Names.SUBJECT_WINDOW_STORE);
    this.newestSession = context.getStateStore(Names.SUBJECT_SESSION_STORE);
    this.windows = new SlidingWindows(StoreEntries.of(windowStore));
    this.usedChallenges = context.getStateStore(Names.USED_CHALLENGE_STORE);
    this.idempotencyStore = context.getStateStore(Names.SESSION_IDEMPOTENCY_STORE);
    this.idempotency = new Idempotency(StoreEntries.of(idempotencyStore));
    this.secondaryIdempotency = new Idempotency(StoreEntries.of(idempotencyStore), "secondary|");
    context.schedule(HOUSEKEEPING, PunctuationType.STREAM_TIME, this::purge);
  }

  @Override
  public void process(Record<String, SpecificRecord> record) {
    if (record.value() instanceof DeliveryStatus status) {
      onDeliveryStatus(status, record.timestamp());
      return;
    }
    Object command = record.value() instanceof OtpCommand c ? c.getCommand() : null;
    CommandMeta meta = CommandParts.meta(command);
    if (meta == null) {
      log.warn("skipping an empty or unknown command at key {}", record.key());
      return;
    }
    long ts = record.timestamp();
    if (CommandParts.secondaryPending(command) != null) {
      onSecondary(command, meta, ts);
      return;
    }
    Optional<OtpDecision> prior = idempotency.prior(meta);
    if (prior.isPresent()) {
      repeat(meta, record.key(), prior.get(), ts);
      return;
    }
    Decided decided;
    String sessionId;
    SessionState open = command instanceof OtpRequested c && c.getResumeOpen() ? openSession(c.getSubjectId(), meta) : null;
    if (open != null) {
      // Admin resend: the subject has an open session, so this is a resend of it.
      sessionId = open.getSessionId();
      decided = resumed(meta, open);
    } else if (command instanceof OtpRequested c) {
      sessionId = c.getSessionId();
      boolean challengeUsed = c.getChallengeId() != null && usedChallenges.get(c.getChallengeId()) != null;
      decided = rules.onRequested(c, sessions.get(sessionId), windows, challengeUsed);
      if (decided.reply().getOutcome() == Outcome.STARTED) {
        newestSession.put(c.getSubjectId(), sessionId);
        if (c.getChallengeId() != null) {
          usedChallenges.put(c.getChallengeId(), meta.getOccurredAt().toEpochMilli());
        }
      }
    } else if (command instanceof OtpRetried c) {
      sessionId = c.getSessionId();
      decided = rules.onRetried(c, sessions.get(sessionId), windows);
    } else {
      OtpCheckRequested c = (OtpCheckRequested) command;
      sessionId = c.getSessionId();
      decided = rules.onCheck(c, sessions.get(sessionId), windows);
    }
    idempotency.remember(meta, decided.reply());
    emit(meta, sessionId, decided, ts);
  }

  /**
   * The step at the partition of a two-destination request's second subject: an admin resend
   * resumes that subject's open session here; anything else is counted against that subject's
   * window and goes on to its own subject (or is refused here). A repeat does what the first did.
   */
  private void onSecondary(Object command, CommandMeta meta, long ts) {
    Optional<OtpDecision> prior = secondaryIdempotency.prior(meta);
    if (prior.isPresent() && !Idempotency.forwarded(prior.get())) {
      repeat(meta, CommandParts.route(command), prior.get(), ts);
      return;
    }
    List<RuleCheck> passed = new ArrayList<>();
    if (prior.isEmpty()) {
      SessionState open = command instanceof OtpRequested c && c.getResumeOpen() ? openSession(c.getSecondarySubjectId(), meta) : null;
      Optional<Decided> decided = open != null ? Optional.of(resumed(meta, open)) : rules.countSecondary(command, windows, passed);
      if (decided.isPresent()) {
        secondaryIdempotency.remember(meta, decided.get().reply());
        emit(meta, open != null ? open.getSessionId() : null, decided.get(), ts);
        return;
      }
      secondaryIdempotency.rememberForwarded(meta);
    }
    List<RuleCheck> checks = new ArrayList<>(meta.getChecks());
    checks.addAll(passed);
    CommandMeta counted = CommandMeta.newBuilder(meta).setChecks(checks).build();
    Object next = command instanceof OtpRequested c
        ? OtpRequested.newBuilder(c).setMeta(counted).setSecondaryCounted(true).build()
        : OtpRetried.newBuilder((OtpRetried) command).setMeta(counted).setSecondaryCounted(true).build();
    context.forward(new Record<String, SpecificRecord>(CommandParts.subject(next), new OtpCommand(next), ts), Names.SECONDARY_COUNTED_SINK);
  }

  /** An admin resend that found its subject's open session: a resend of it. */
  private Decided resumed(CommandMeta meta, SessionState open) {
    return rules.onRetried(OtpRetried.newBuilder().setMeta(meta).setSessionId(open.getSessionId()).setSubjectId(open.getSubjectId())
        .setChannels(open.getChannels()).build(), open, windows);
  }

  /** Writes what a decision leads to: the session, a quota refund, the reply, the deliveries and the audit. */
  private void emit(CommandMeta meta, String sessionId, Decided decided, long ts) {
    if (decided.newState() != null) {
      sessions.put(sessionId, decided.newState());
    }
    Refunds.owed(meta, decided.deliveries().size()).ifPresent(r ->
        context.forward(new Record<String, SpecificRecord>(meta.getAppId(), new OtpCommand(r), ts), Names.REFUNDS_SINK));
    if (meta.getReplyTopic() != null) {
      context.forward(new Record<String, SpecificRecord>(decided.reply().getRequestId(), decided.reply(), ts), Names.REPLIES_SINK);
    }
    for (DeliveryRequested d : decided.deliveries()) {
      String sink = d.getChannel() == Channel.SMS ? Names.DELIVERY_SMS_SINK : Names.DELIVERY_EMAIL_SINK;
      context.forward(new Record<String, SpecificRecord>(d.getSubjectId(), d, ts), sink);
    }
    for (AuditEvent e : decided.events()) {
      context.forward(new Record<String, SpecificRecord>(e.getSubjectId(), e, ts), Names.EVENTS_SINK);
    }
  }

  /** A repeat of an idempotent request: the first decision again, and an audit line saying so; nothing else. */
  private void repeat(CommandMeta meta, String subjectId, OtpDecision first, long ts) {
    if (meta.getReplyTopic() != null) {
      context.forward(new Record<String, SpecificRecord>(first.getRequestId(), first, ts), Names.REPLIES_SINK);
    }
    AuditEvent event = Answers.audit(meta, subjectId, first.getSessionId(), AuditType.IDEMPOTENT_REPEAT,
        first.getOutcome()).setDetail("repeat of an Idempotency-Key request; first decision returned").build();
    context.forward(new Record<String, SpecificRecord>(subjectId, event, ts), Names.EVENTS_SINK);
  }

  /**
   * A dispatcher's report on one delivery: the session keeps the latest state of each channel
   * (for the code now current), and the audit log gets a line either way.
   */
  private void onDeliveryStatus(DeliveryStatus status, long ts) {
    SessionState found = sessions.get(status.getSessionId());
    // a status names its session, subject and app: all three must match before it touches the session
    SessionState s = found != null && found.getSubjectId().equals(status.getSubjectId()) && found.getAppId().equals(status.getAppId())
        ? found : null;
    String channel = status.getChannel().name().toLowerCase(java.util.Locale.ROOT);
    Integer generation = DeliveryIds.generation(status.getDeliveryId());
    if (s != null && generation != null && generation == s.getGeneration()) {
      java.util.Map<String, String> states = new java.util.HashMap<>(s.getDeliveryStates());
      states.put(channel, status.getState().name());
      sessions.put(s.getSessionId(), SessionState.newBuilder(s).setDeliveryStates(states).build());
    }
    AuditEvent event = AuditEvent.newBuilder().setType(AuditType.DELIVERY_STATUS).setOutcome(Outcome.UNKNOWN)
        .setOccurredAt(status.getOccurredAt()).setAppId(status.getAppId()).setSubjectId(status.getSubjectId())
        .setSessionId(status.getSessionId()).setGeneration(generation)
        .setSettingsVersion(s == null ? 0 : s.getSettingsVersion())
        .setDetail(channel + " " + status.getState().name() + " via " + status.getProvider() + " (attempt " + status.getAttempt() + ")"
            + (status.getDetail() == null ? "" : ": " + status.getDetail()))
        .build();
    context.forward(new Record<String, SpecificRecord>(status.getSubjectId(), event, ts), Names.EVENTS_SINK);
  }

  /** The subject's newest session when it is still open (not verified, locked or expired) in this key mode. */
  private SessionState openSession(String subjectId, CommandMeta m) {
    String sid = newestSession.get(subjectId);
    SessionState s = sid == null ? null : sessions.get(sid);
    boolean open = s != null && s.getStatus() == SessionStatus.OPEN && m.getOccurredAt().isBefore(s.getExpiresAt())
        && s.getSandbox() == m.getSandbox();
    return open ? s : null;
  }

  private void purge(long streamTime) {
    Sweep.deleteWhere(idempotencyStore, (k, d) -> Idempotency.expired(d, streamTime));
    long retentionMs = SessionRules.RETENTION_AFTER_EXPIRY.toMillis();
    Sweep.deleteWhere(sessions, (k, s) -> streamTime >= s.getExpiresAt().toEpochMilli() + retentionMs);
    Sweep.deleteWhere(windowStore, (k, w) -> SlidingWindows.expired(w, streamTime));
    Sweep.deleteWhere(newestSession, (subject, sid) -> sessions.get(sid) == null);
    // a challenge token lives minutes; a day later its id can go
    Sweep.deleteWhere(usedChallenges, (id, usedAt) -> streamTime - usedAt >= Idempotency.RETENTION.toMillis());
  }

}
