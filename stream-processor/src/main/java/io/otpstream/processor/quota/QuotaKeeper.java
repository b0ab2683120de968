package io.otpstream.processor.quota;

import io.otpstream.schemas.rules.RuleNames;
import io.otpstream.processor.decision.Idempotency;
import io.otpstream.processor.decision.SettingsInForce;
import io.otpstream.processor.decision.SlidingWindows;
import io.otpstream.processor.streams.StoreEntries;
import io.otpstream.processor.streams.Sweep;
import io.otpstream.processor.topology.Names;
import io.otpstream.schemas.apps.AppSettings;
import io.otpstream.schemas.audit.AuditEvent;
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
import io.otpstream.schemas.topics.EntryStage;
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
 * The first stage, keyed by app: every live send and resend of an app with a quota passes here
 * and spends its messages (one per channel); when the balance is short it is refused with
 * QUOTA_EXHAUSTED (402). Every request with an Idempotency-Key passes here too: one partition
 * sees all of an app's repeats, whatever their client IP, marks them uncharged and sends each
 * after its first, to the per-IP stage that decided the first, which answers it the same way. A later stage that refuses the request, or sends fewer messages, writes a
 * {@link QuotaRefund} back to this stage's own input topic, so the quota is never exceeded, spent
 * quota is given back, and the stage still reads one recorded topic (replay decides alike).
 */
public final class QuotaKeeper implements Processor<String, OtpCommand, String, SpecificRecord> {
  private static final Duration HOUSEKEEPING = Duration.ofMinutes(5);
  /** The most channels a session has (SMS and email): what resuming one may send. */
  private static final int RESUMED_CHANNELS = 2;

  private ProcessorContext<String, SpecificRecord> context;
  private KeyValueStore<String, QuotaState> store;
  private Idempotency idempotency;

  @Override
  public void init(ProcessorContext<String, SpecificRecord> context) {
    this.context = context;
    this.store = context.getStateStore(Names.QUOTA_STORE);
    KeyValueStore<String, OtpDecision> idempotencyStore = context.getStateStore(Names.QUOTA_IDEMPOTENCY_STORE);
    this.idempotency = new Idempotency(StoreEntries.of(idempotencyStore));
    context.schedule(HOUSEKEEPING, PunctuationType.STREAM_TIME,
        streamTime -> Sweep.deleteWhere(idempotencyStore, (k, d) -> Idempotency.expired(d, streamTime)));
  }

  @Override
  public void process(Record<String, OtpCommand> record) {
    Object command = record.value() == null ? null : record.value().getCommand();
    if (command instanceof QuotaRefund refund) {
      QuotaState s = store.get(refund.getAppId());
      if (s != null) {
        store.put(refund.getAppId(), new QuotaState(refund.getAppId(), Math.max(0, s.getSpent() - refund.getMessages())));
      }
      return;
    }
    CommandMeta m;
    int messages;
    String subjectId;
    String sessionId;
    if (command instanceof OtpRequested c) {
      m = c.getMeta();
      // an admin resend may resume an open session with more channels than it names: charge them all,
      // the session stage gives back what it did not send
      messages = c.getResumeOpen() ? Math.max(c.getChannels().size(), RESUMED_CHANNELS) : c.getChannels().size();
      subjectId = c.getSubjectId();
      sessionId = c.getSessionId();
    } else if (command instanceof OtpRetried c) {
      m = c.getMeta();
      messages = Math.max(1, c.getChannels().size());
      subjectId = c.getSubjectId();
      sessionId = c.getSessionId();
    } else {
      return; // only sends and resends come here
    }
    Optional<OtpDecision> prior = idempotency.prior(m);
    if (prior.isPresent()) { // a repeat: forward it uncharged and uncounted, or answer the refusal again
      if (Idempotency.forwarded(prior.get())) {
        m.setQuotaCharged(0);
        m.setRepeat(true);
        // after the first, to the per-IP stage that decided it (whatever this repeat's own address)
        if (prior.get().getRouteKey() != null) {
          m.setIpKey(prior.get().getRouteKey());
        }
        forward(record, m);
      } else if (m.getReplyTopic() != null) {
        context.forward(new Record<String, SpecificRecord>(m.getRequestId(), prior.get(), record.timestamp()), Names.QUOTA_REPLIES_SINK);
      }
      return;
    }
    AppSettings cfg = SettingsInForce.of(m);
    if (cfg.getQuota() == null || m.getSandbox()) { // here for idempotency only
      idempotency.rememberForwarded(m, routeKey(m));
      m.setQuotaCharged(0);
      forward(record, m);
      return;
    }
    QuotaState s = store.get(m.getAppId());
    long spent = s == null ? 0 : s.getSpent();
    long quota = cfg.getQuota();
    RuleCheck check = SlidingWindows.ruleCheck(RuleNames.QUOTA, m.getAppId(), spent + messages, quota);
    if (spent + messages > quota) {
      OtpDecision reply = OtpDecision.newBuilder().setRequestId(m.getRequestId()).setReplyPartition(m.getReplyPartition())
          .setSessionId(sessionId).setOutcome(Outcome.QUOTA_EXHAUSTED).setDecidedAt(m.getOccurredAt()).setRule(RuleNames.QUOTA)
          .setSettingsVersion(cfg.getVersion()).build();
      idempotency.remember(m, reply);
      if (m.getReplyTopic() != null) {
        context.forward(new Record<String, SpecificRecord>(m.getRequestId(), reply, record.timestamp()), Names.QUOTA_REPLIES_SINK);
      }
      List<RuleCheck> checks = new ArrayList<>(m.getChecks());
      checks.add(SlidingWindows.ruleCheck(RuleNames.QUOTA, m.getAppId(), spent, quota));
      AuditEvent event = AuditEvent.newBuilder().setType(AuditType.LIMIT_EXCEEDED).setOutcome(Outcome.QUOTA_EXHAUSTED)
          .setRequestId(m.getRequestId()).setOccurredAt(m.getOccurredAt()).setAppId(m.getAppId()).setSubjectId(subjectId)
          .setSessionId(sessionId).setClientIp(m.getClientIp()).setRule(RuleNames.QUOTA).setLimitKey(m.getAppId())
          .setCount(spent).setLimit(quota).setSettingsVersion(cfg.getVersion()).setChecks(checks).build();
      context.forward(new Record<String, SpecificRecord>(subjectId, event, record.timestamp()), Names.QUOTA_EVENTS_SINK);
      return;
    }
    store.put(m.getAppId(), new QuotaState(m.getAppId(), spent + messages));
    idempotency.rememberForwarded(m, routeKey(m));
    m.setQuotaCharged(messages);
    List<RuleCheck> checks = new ArrayList<>(m.getChecks());
    checks.add(check);
    m.setChecks(checks);
    forward(record, m);
  }

  private void forward(Record<String, OtpCommand> record, CommandMeta m) {
    context.forward(new Record<String, SpecificRecord>(routeKey(m), record.value(), record.timestamp()), Names.QUOTA_ADMITTED_SINK);
  }

  /** The key of the request on otp.requests (the routing every api instance uses too). */
  private static String routeKey(CommandMeta m) {
    return EntryStage.clientKey(m);
  }
}
