package io.otpstream.processor.streams;

import io.otpstream.processor.decision.Admission;
import io.otpstream.processor.decision.Idempotency;
import io.otpstream.schemas.audit.AuditEvent;
import io.otpstream.schemas.command.CommandMeta;
import io.otpstream.schemas.command.OtpCommand;
import io.otpstream.schemas.decision.OtpDecision;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Writes what a stage before the session stage decided ({@link Admission}): the command passed on,
 * or the refusal's reply (when someone waits), audit line and refund, and what its repeats will
 * find. One place, so the quota and per-IP stages emit alike.
 */
public final class AdmissionSinks {
  /** The sink nodes of one stage; {@code refunds} null for a stage that never owes one. */
  public record Sinks(String passed, String replies, String events, String refunds) {}

  private final ProcessorContext<String, SpecificRecord> context;
  private final Idempotency idempotency;
  private final Sinks sinks;
  private final String stage;
  private final DecisionMeter meter;

  public AdmissionSinks(
      ProcessorContext<String, SpecificRecord> context,
      Idempotency idempotency,
      Sinks sinks,
      String stage,
      DecisionMeter meter) {
    this.context = context;
    this.idempotency = idempotency;
    this.sinks = sinks;
    this.stage = stage;
    this.meter = meter;
  }

  public void emit(CommandMeta m, Admission admission, long ts) {
    if (admission instanceof Admission.Passed p) {
      if (p.memory() != null) {
        idempotency.remember(m, p.memory());
      }
      context.forward(new Record<String, SpecificRecord>(p.key(), p.command(), ts), sinks.passed());
    } else if (admission instanceof Admission.Refused r) {
      OtpDecision reply = r.refusal().reply();
      idempotency.remember(m, reply);
      meter.decided(stage, reply);
      if (r.refund() != null) {
        context.forward(
            new Record<String, SpecificRecord>(m.getAppId(), new OtpCommand(r.refund()), ts),
            sinks.refunds());
      }
      reply(m, reply, ts);
      AuditEvent event = r.refusal().event();
      context.forward(
          new Record<String, SpecificRecord>(event.getSubjectId(), event, ts), sinks.events());
    } else if (admission instanceof Admission.Repeated r) {
      reply(m, r.first(), ts);
    }
  }

  private void reply(CommandMeta m, OtpDecision reply, long ts) {
    if (m.getReplyTopic() != null) {
      context.forward(
          new Record<String, SpecificRecord>(m.getRequestId(), reply, ts), sinks.replies());
    }
  }
}
