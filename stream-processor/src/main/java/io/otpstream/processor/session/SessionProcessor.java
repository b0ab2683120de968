package io.otpstream.processor.session;

import io.otpstream.processor.decision.Answers;
import io.otpstream.processor.decision.CommandParts;
import io.otpstream.processor.decision.Idempotency;
import io.otpstream.processor.decision.Refunds;
import io.otpstream.processor.decision.SlidingWindows;
import io.otpstream.processor.streams.DecisionMeter;
import io.otpstream.processor.streams.StoreEntries;
import io.otpstream.processor.streams.Sweep;
import io.otpstream.processor.topology.Names;
import io.otpstream.schemas.audit.AuditEvent;
import io.otpstream.schemas.audit.AuditType;
import io.otpstream.schemas.command.CommandMeta;
import io.otpstream.schemas.command.OtpCommand;
import io.otpstream.schemas.command.OtpRequested;
import io.otpstream.schemas.common.Channel;
import io.otpstream.schemas.decision.OtpDecision;
import io.otpstream.schemas.delivery.DeliveryRequested;
import io.otpstream.schemas.delivery.DeliveryStatus;
import io.otpstream.schemas.limits.SlidingWindow;
import io.otpstream.schemas.session.SessionState;
import java.time.Duration;
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
 * twice: first at its second subject's partition, which counts it there (and forwards it to {@code
 * otp.commands} under its own subject), then at its own, which decides. Sessions long past expiry
 * and windows that slid empty are purged on stream time, so a replay purges at the same points.
 */
public final class SessionProcessor
    implements Processor<String, SpecificRecord, String, SpecificRecord> {
  private static final Logger log = LoggerFactory.getLogger(SessionProcessor.class);
  private static final Duration HOUSEKEEPING = Duration.ofMinutes(5);

  private final SessionRules rules;
  private final DecisionMeter meter;
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
    this(rules, DecisionMeter.NONE);
  }

  public SessionProcessor(SessionRules rules, DecisionMeter meter) {
    this.meter = meter;
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
    long ts = record.timestamp();
    if (record.value() instanceof DeliveryStatus status) {
      DeliveryStatusRules.Noted noted =
          rules.onDeliveryStatus(status, sessions.get(status.getSessionId()));
      if (noted.session() != null) {
        sessions.put(noted.session().getSessionId(), noted.session());
      }
      context.forward(
          new Record<String, SpecificRecord>(status.getSubjectId(), noted.event(), ts),
          Names.EVENTS_SINK);
      return;
    }
    Object command = record.value() instanceof OtpCommand c ? c.getCommand() : null;
    CommandMeta meta = CommandParts.meta(command);
    if (meta == null) {
      log.warn("skipping an empty or unknown command at key {}", record.key());
      return;
    }
    if (CommandParts.secondaryPending(command) != null) {
      onSecondary(command, meta, ts);
      return;
    }
    Optional<OtpDecision> prior = idempotency.prior(meta);
    if (prior.isPresent()) {
      repeat(meta, record.key(), prior.get(), ts);
      return;
    }
    OtpRequested send = command instanceof OtpRequested c ? c : null;
    boolean challengeUsed =
        send != null
            && send.getChallengeId() != null
            && usedChallenges.get(send.getChallengeId()) != null;
    Decided decided =
        rules.decide(
            command,
            sessions.get(CommandParts.sessionId(command)),
            send != null && send.getResumeOpen() ? newest(send.getSubjectId()) : null,
            challengeUsed,
            windows);
    rules
        .started(command, decided)
        .ifPresent(
            started -> {
              newestSession.put(started.subjectId(), started.sessionId());
              if (started.challengeId() != null) {
                usedChallenges.put(started.challengeId(), started.at());
              }
            });
    idempotency.remember(meta, decided.reply());
    emit(meta, decided, ts);
  }

  /**
   * The step at the partition of a two-destination request's second subject (see {@link
   * SecondaryRules}).
   */
  private void onSecondary(Object command, CommandMeta meta, long ts) {
    SessionState newest =
        command instanceof OtpRequested c && c.getResumeOpen()
            ? newest(c.getSecondarySubjectId())
            : null;
    SecondaryStep step =
        rules.onSecondary(command, secondaryIdempotency.prior(meta), newest, windows);
    if (step instanceof SecondaryStep.Repeat r) {
      repeat(meta, CommandParts.route(command), r.first(), ts);
    } else if (step instanceof SecondaryStep.Decide d) {
      secondaryIdempotency.remember(meta, d.decided().reply());
      emit(meta, d.decided(), ts);
    } else if (step instanceof SecondaryStep.PassOn p) {
      if (p.memory() != null) {
        secondaryIdempotency.remember(meta, p.memory());
      }
      context.forward(
          new Record<String, SpecificRecord>(p.key(), p.command(), ts),
          Names.SECONDARY_COUNTED_SINK);
    }
  }

  /**
   * Writes what a decision leads to: the session, a quota refund, the reply, the deliveries and the
   * audit.
   */
  private void emit(CommandMeta meta, Decided decided, long ts) {
    if (decided.newState() != null) {
      sessions.put(decided.newState().getSessionId(), decided.newState());
    }
    Refunds.owed(meta, decided.deliveries().size())
        .ifPresent(
            r ->
                context.forward(
                    new Record<String, SpecificRecord>(meta.getAppId(), new OtpCommand(r), ts),
                    Names.REFUNDS_SINK));
    meter.decided("session", decided.reply());
    if (meta.getReplyTopic() != null) {
      context.forward(
          new Record<String, SpecificRecord>(decided.reply().getRequestId(), decided.reply(), ts),
          Names.REPLIES_SINK);
    }
    for (DeliveryRequested d : decided.deliveries()) {
      String sink =
          d.getChannel() == Channel.SMS ? Names.DELIVERY_SMS_SINK : Names.DELIVERY_EMAIL_SINK;
      context.forward(new Record<String, SpecificRecord>(d.getSubjectId(), d, ts), sink);
    }
    for (AuditEvent e : decided.events()) {
      context.forward(
          new Record<String, SpecificRecord>(e.getSubjectId(), e, ts), Names.EVENTS_SINK);
    }
  }

  /**
   * A repeat of an idempotent request: the first decision again, and an audit line saying so;
   * nothing else.
   */
  private void repeat(CommandMeta meta, String subjectId, OtpDecision first, long ts) {
    if (meta.getReplyTopic() != null) {
      context.forward(
          new Record<String, SpecificRecord>(first.getRequestId(), first, ts), Names.REPLIES_SINK);
    }
    AuditEvent event =
        Answers.audit(
                meta,
                subjectId,
                first.getSessionId(),
                AuditType.IDEMPOTENT_REPEAT,
                first.getOutcome())
            .setDetail("repeat of an Idempotency-Key request; first decision returned")
            .build();
    context.forward(new Record<String, SpecificRecord>(subjectId, event, ts), Names.EVENTS_SINK);
  }

  /** The subject's newest session, as stored (open or not: the rules say). */
  private SessionState newest(String subjectId) {
    String sid = newestSession.get(subjectId);
    return sid == null ? null : sessions.get(sid);
  }

  private void purge(long streamTime) {
    Sweep.deleteWhere(idempotencyStore, (k, d) -> Idempotency.expired(d, streamTime));
    Sweep.deleteWhere(sessions, (k, s) -> SessionLife.purgeable(s, streamTime));
    Sweep.deleteWhere(windowStore, (k, w) -> SlidingWindows.expired(w, streamTime));
    Sweep.deleteWhere(newestSession, (subject, sid) -> sessions.get(sid) == null);
    // a challenge token lives minutes; a day later its id can go
    Sweep.deleteWhere(
        usedChallenges, (id, usedAt) -> streamTime - usedAt >= Idempotency.RETENTION.toMillis());
  }
}
