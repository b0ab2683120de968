package io.otpstream.processor.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.otpstream.processor.streams.DecisionMeter;
import io.otpstream.schemas.decision.OtpDecision;

/**
 * The counter {@code otp.decisions} (Prometheus {@code otp_decisions_total}) by {@code stage},
 * {@code outcome} (STARTED, VERIFIED, RATE_LIMITED, ...) and {@code rule} (the rule that refused, a
 * name of {@code RuleNames}, or {@code none}). Counted when a stage forwards its decision, inside
 * the Streams transaction: a transaction that aborts and is processed again counts its decisions
 * again, so the counter may run slightly ahead of {@code otp.replies} (see README).
 */
public final class DecisionCounter implements DecisionMeter {
  private final MeterRegistry registry;

  public DecisionCounter(MeterRegistry registry) {
    this.registry = registry;
  }

  @Override
  public void decided(String stage, OtpDecision decision) {
    Counter.builder("otp.decisions")
        .description("Decisions of the processor by stage, outcome and refusing rule")
        .tag("stage", stage)
        .tag("outcome", decision.getOutcome().name())
        .tag("rule", decision.getRule() == null ? "none" : decision.getRule())
        .register(registry)
        .increment();
  }
}
