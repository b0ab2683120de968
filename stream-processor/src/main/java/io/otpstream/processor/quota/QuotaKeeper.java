package io.otpstream.processor.quota;

import io.otpstream.processor.decision.CommandParts;
import io.otpstream.processor.decision.Idempotency;
import io.otpstream.processor.decision.SlidingWindows;
import io.otpstream.processor.streams.AdmissionSinks;
import io.otpstream.processor.streams.DecisionMeter;
import io.otpstream.processor.streams.StoreEntries;
import io.otpstream.processor.streams.Sweep;
import io.otpstream.processor.topology.Names;
import io.otpstream.schemas.command.CommandMeta;
import io.otpstream.schemas.command.OtpCommand;
import io.otpstream.schemas.command.OtpRequested;
import io.otpstream.schemas.command.OtpRetried;
import io.otpstream.schemas.decision.OtpDecision;
import io.otpstream.schemas.limits.SlidingWindow;
import io.otpstream.schemas.quota.QuotaRefund;
import io.otpstream.schemas.quota.QuotaState;
import java.time.Duration;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The first stage: adapts {@link QuotaRules} to the topology. Every live send and resend of an app
 * with a quota passes here, keyed by app, and spends its messages; every request with an
 * Idempotency-Key passes here too, so one partition sees all the repeats of a request, whatever
 * their client IP; and every send to a phone, so one partition counts all the sends to a block of
 * numbers (sends_per_number_block). Uncharged requests are keyed by one of the app's shards ({@link
 * io.otpstream.schemas.topics.EntryStage}), so one app's traffic spreads. A later stage that
 * refuses the request, or sends fewer messages, writes a {@link QuotaRefund} back to this stage's
 * own input topic, so the quota is never exceeded, spent quota is given back, and the stage still
 * reads one recorded topic (replay decides alike).
 */
public final class QuotaKeeper implements Processor<String, OtpCommand, String, SpecificRecord> {
  private static final Duration HOUSEKEEPING = Duration.ofMinutes(5);

  private final DecisionMeter meter;

  private KeyValueStore<String, QuotaState> store;
  private KeyValueStore<String, SlidingWindow> blockStore;
  private SlidingWindows blocks;
  private Idempotency idempotency;
  private AdmissionSinks sinks;

  public QuotaKeeper() {
    this(DecisionMeter.NONE);
  }

  public QuotaKeeper(DecisionMeter meter) {
    this.meter = meter;
  }

  @Override
  public void init(ProcessorContext<String, SpecificRecord> context) {
    this.store = context.getStateStore(Names.QUOTA_STORE);
    this.blockStore = context.getStateStore(Names.NUMBER_BLOCK_WINDOW_STORE);
    this.blocks = new SlidingWindows(StoreEntries.of(blockStore));
    KeyValueStore<String, OtpDecision> idempotencyStore =
        context.getStateStore(Names.QUOTA_IDEMPOTENCY_STORE);
    this.idempotency = new Idempotency(StoreEntries.of(idempotencyStore));
    this.sinks =
        new AdmissionSinks(
            context,
            idempotency,
            new AdmissionSinks.Sinks(
                Names.QUOTA_ADMITTED_SINK, Names.QUOTA_REPLIES_SINK, Names.QUOTA_EVENTS_SINK, null),
            "quota",
            meter);
    context.schedule(
        HOUSEKEEPING,
        PunctuationType.STREAM_TIME,
        streamTime -> {
          Sweep.deleteWhere(idempotencyStore, (k, d) -> Idempotency.expired(d, streamTime));
          Sweep.deleteWhere(blockStore, (k, w) -> SlidingWindows.expired(w, streamTime));
        });
  }

  @Override
  public void process(Record<String, OtpCommand> record) {
    Object command = record.value() == null ? null : record.value().getCommand();
    if (command instanceof QuotaRefund refund) {
      QuotaState after = QuotaRules.refunded(store.get(refund.getAppId()), refund);
      if (after != null) {
        store.put(refund.getAppId(), after);
      }
      return;
    }
    if (!(command instanceof OtpRequested || command instanceof OtpRetried)) {
      return; // only sends and resends come here
    }
    CommandMeta m = CommandParts.meta(command);
    QuotaRules.Charged charged =
        QuotaRules.decide(command, idempotency.prior(m), store.get(m.getAppId()), blocks);
    if (charged.balance() != null) {
      store.put(m.getAppId(), charged.balance());
    }
    sinks.emit(m, charged.admission(), record.timestamp());
  }
}
