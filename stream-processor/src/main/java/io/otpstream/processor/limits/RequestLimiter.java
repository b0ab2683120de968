package io.otpstream.processor.limits;

import io.otpstream.schemas.rules.RuleNames;
import io.otpstream.processor.decision.CommandParts;
import io.otpstream.processor.decision.Idempotency;
import io.otpstream.processor.decision.LimitKeys;
import io.otpstream.processor.decision.Refunds;
import io.otpstream.processor.decision.SettingsInForce;
import io.otpstream.processor.decision.SlidingWindows;
import io.otpstream.processor.decision.SlidingWindows.Verdict;
import io.otpstream.processor.streams.StoreEntries;
import io.otpstream.processor.streams.Sweep;
import io.otpstream.processor.topology.Names;
import io.otpstream.schemas.apps.AppSettings;
import io.otpstream.schemas.apps.Limit;
import io.otpstream.schemas.audit.AuditEvent;
import io.otpstream.schemas.audit.AuditType;
import io.otpstream.schemas.command.CommandMeta;
import io.otpstream.schemas.command.OtpCommand;
import io.otpstream.schemas.command.OtpRequested;
import io.otpstream.schemas.command.OtpRetried;
import io.otpstream.schemas.decision.OtpDecision;
import io.otpstream.schemas.decision.Outcome;
import io.otpstream.schemas.limits.RuleCheck;
import io.otpstream.schemas.limits.SlidingWindow;
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

/**
 * The per-IP stage, keyed by the client's limit key (app and address group): destination rules and
 * the per-IP windows for sends and resends. Because every request of one client passes through
 * one task, the per-IP limits hold exactly whatever the number of api and processor instances.
 * Admitted commands go on to {@code otp.commands}, keyed by subject (first the secondary subject
 * of a two-destination request), carrying the rule checks they passed; refused ones are answered
 * and audited here, and remembered for their repeats.
 */
public final class RequestLimiter implements Processor<String, OtpCommand, String, SpecificRecord> {
  private static final Duration HOUSEKEEPING = Duration.ofMinutes(5);

  private ProcessorContext<String, SpecificRecord> context;
  private KeyValueStore<String, SlidingWindow> store;
  private SlidingWindows windows;
  private KeyValueStore<String, OtpDecision> idempotencyStore;
  private Idempotency idempotency;

  @Override
  public void init(ProcessorContext<String, SpecificRecord> context) {
    this.context = context;
    this.store = context.getStateStore(Names.IP_WINDOW_STORE);
    this.idempotencyStore = context.getStateStore(Names.IP_IDEMPOTENCY_STORE);
    this.windows = new SlidingWindows(StoreEntries.of(store));
    this.idempotency = new Idempotency(StoreEntries.of(idempotencyStore));
    context.schedule(HOUSEKEEPING, PunctuationType.STREAM_TIME, this::purge);
  }

  @Override
  public void process(Record<String, OtpCommand> record) {
    if (record.value() == null) {
      return;
    }
    Object command = record.value().getCommand();
    // A repeat of a request this stage decided gets that decision again. One it has not seen (the
    // quota stage sends a repeat after its first, to the same key) is checked like any request.
    if (repeated(record, command)) {
      return;
    }
    if (command instanceof OtpRequested c) {
      Optional<String> refusedBy = DestinationRules.refusal(c, SettingsInForce.of(c.getMeta()));
      if (refusedBy.isPresent()) {
        refuse(record, c.getMeta(), c.getSubjectId(), c.getSessionId(), Outcome.REFUSED, AuditType.REFUSED, refusedBy.get(),
            SlidingWindows.ruleCheck(refusedBy.get(), c.getSmsTo() == null ? "" : "sms", 1, 0), 0);
        return;
      }
      admit(record, c.getMeta(), c.getSubjectId(), c.getSessionId(), RuleNames.SENDS_PER_IP, SettingsInForce.of(c.getMeta()).getSendsPerIp());
    } else if (command instanceof OtpRetried c) {
      admit(record, c.getMeta(), c.getSubjectId(), c.getSessionId(), RuleNames.RESENDS_PER_IP,
          SettingsInForce.of(c.getMeta()).getResendsPerIp());
    } else {
      // checks are not limited per IP; pass them on in order
      context.forward(new Record<String, SpecificRecord>(CommandParts.route(command), record.value(), record.timestamp()),
          Names.ADMITTED_SINK);
    }
  }

  /** A repeat of an idempotent request: forward it uncounted, or answer the refusal again. */
  private boolean repeated(Record<String, OtpCommand> record, Object command) {
    CommandMeta m = command instanceof OtpRequested || command instanceof OtpRetried ? CommandParts.meta(command) : null;
    Optional<OtpDecision> prior = m == null ? Optional.empty() : idempotency.prior(m);
    if (prior.isEmpty()) {
      return false;
    }
    if (Idempotency.forwarded(prior.get())) {
      context.forward(new Record<String, SpecificRecord>(CommandParts.route(command), record.value(), record.timestamp()),
          Names.ADMITTED_SINK);
    } else if (m.getReplyTopic() != null) {
      context.forward(new Record<String, SpecificRecord>(m.getRequestId(), prior.get(), record.timestamp()), Names.LIMITER_REPLIES_SINK);
    }
    return true;
  }

  private void admit(Record<String, OtpCommand> record, CommandMeta m, String subjectId, String sessionId, String rule, Limit limit) {
    String ip = LimitKeys.client(m);
    long now = m.getOccurredAt().toEpochMilli();
    Verdict v = windows.ask(rule, ip, limit, now);
    if (!v.allowed()) {
      refuse(record, m, subjectId, sessionId, Outcome.RATE_LIMITED, AuditType.LIMIT_EXCEEDED, rule, v.check(), v.retryAfterSeconds());
      return;
    }
    windows.record(rule, ip, limit, now);
    idempotency.rememberForwarded(m);
    List<RuleCheck> checks = new ArrayList<>(m.getChecks());
    checks.add(v.check());
    m.setChecks(checks);
    context.forward(new Record<String, SpecificRecord>(CommandParts.route(record.value().getCommand()), record.value(),
        record.timestamp()), Names.ADMITTED_SINK);
  }

  private void refuse(Record<String, OtpCommand> record, CommandMeta m, String subjectId, String sessionId, Outcome outcome,
                      AuditType type, String rule, RuleCheck check, int retryAfter) {
    AppSettings cfg = SettingsInForce.of(m);
    OtpDecision reply = OtpDecision.newBuilder().setRequestId(m.getRequestId()).setReplyPartition(m.getReplyPartition())
        .setSessionId(sessionId).setOutcome(outcome).setDecidedAt(m.getOccurredAt()).setRule(rule)
        .setRetryAfterSeconds(retryAfter > 0 ? retryAfter : null).setSettingsVersion(cfg.getVersion()).build();
    idempotency.remember(m, reply);
    Refunds.owed(m, 0).ifPresent(r ->
        context.forward(new Record<String, SpecificRecord>(m.getAppId(), new OtpCommand(r), record.timestamp()), Names.LIMITER_REFUNDS_SINK));
    if (m.getReplyTopic() != null) {
      context.forward(new Record<String, SpecificRecord>(m.getRequestId(), reply, record.timestamp()), Names.LIMITER_REPLIES_SINK);
    }
    List<RuleCheck> checks = new ArrayList<>(m.getChecks());
    checks.add(check);
    AuditEvent event = AuditEvent.newBuilder().setType(type).setOutcome(outcome).setRequestId(m.getRequestId())
        .setOccurredAt(m.getOccurredAt()).setAppId(m.getAppId()).setSubjectId(subjectId).setSessionId(sessionId)
        .setClientIp(m.getClientIp()).setRule(rule).setLimitKey(check.getKey()).setCount(check.getCount())
        .setLimit(check.getLimit()).setSettingsVersion(cfg.getVersion()).setChecks(checks).build();
    context.forward(new Record<String, SpecificRecord>(subjectId, event, record.timestamp()), Names.LIMITER_EVENTS_SINK);
  }

  /** Drops windows whose events all slid out; driven by stream time, so a replay purges alike. */
  private void purge(long streamTime) {
    Sweep.deleteWhere(store, (k, w) -> SlidingWindows.expired(w, streamTime));
    Sweep.deleteWhere(idempotencyStore, (k, d) -> Idempotency.expired(d, streamTime));
  }

}
