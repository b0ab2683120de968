package io.otpstream.processor.limits;

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
import io.otpstream.schemas.decision.OtpDecision;
import io.otpstream.schemas.limits.SlidingWindow;
import java.time.Duration;
import java.util.Optional;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The per-IP stage, keyed by the client's limit key (app and address group): adapts {@link
 * RequestRules} to the topology. Because every request of one client passes through one task, the
 * per-IP limits hold exactly whatever the number of api and processor instances. Admitted commands
 * go on to {@code otp.commands}; refused ones are answered and audited here, and remembered for
 * their repeats.
 */
public final class RequestLimiter implements Processor<String, OtpCommand, String, SpecificRecord> {
  private static final Duration HOUSEKEEPING = Duration.ofMinutes(5);

  private final DecisionMeter meter;

  private KeyValueStore<String, SlidingWindow> store;
  private KeyValueStore<String, OtpDecision> idempotencyStore;
  private SlidingWindows windows;
  private Idempotency idempotency;
  private AdmissionSinks sinks;

  public RequestLimiter() {
    this(DecisionMeter.NONE);
  }

  public RequestLimiter(DecisionMeter meter) {
    this.meter = meter;
  }

  @Override
  public void init(ProcessorContext<String, SpecificRecord> context) {
    this.store = context.getStateStore(Names.IP_WINDOW_STORE);
    this.idempotencyStore = context.getStateStore(Names.IP_IDEMPOTENCY_STORE);
    this.windows = new SlidingWindows(StoreEntries.of(store));
    this.idempotency = new Idempotency(StoreEntries.of(idempotencyStore));
    this.sinks =
        new AdmissionSinks(
            context,
            idempotency,
            new AdmissionSinks.Sinks(
                Names.ADMITTED_SINK,
                Names.LIMITER_REPLIES_SINK,
                Names.LIMITER_EVENTS_SINK,
                Names.LIMITER_REFUNDS_SINK),
            "limits",
            meter);
    context.schedule(HOUSEKEEPING, PunctuationType.STREAM_TIME, this::purge);
  }

  @Override
  public void process(Record<String, OtpCommand> record) {
    if (record.value() == null) {
      return;
    }
    CommandMeta m = CommandParts.meta(record.value().getCommand());
    Optional<OtpDecision> prior = m == null ? Optional.empty() : idempotency.prior(m);
    sinks.emit(m, RequestRules.decide(record.value(), prior, windows), record.timestamp());
  }

  /** Drops windows whose events all slid out; driven by stream time, so a replay purges alike. */
  private void purge(long streamTime) {
    Sweep.deleteWhere(store, (k, w) -> SlidingWindows.expired(w, streamTime));
    Sweep.deleteWhere(idempotencyStore, (k, d) -> Idempotency.expired(d, streamTime));
  }
}
