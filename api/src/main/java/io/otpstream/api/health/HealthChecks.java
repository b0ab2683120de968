package io.otpstream.api.health;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * What liveness or readiness means for one service: named checks, all of which must pass. Each
 * answer of {@code /health/live} and {@code /health/ready} lists them, so an operator sees which
 * one failed. Immutable: {@link #and} returns a new set.
 */
public final class HealthChecks {
  private final Map<String, BooleanSupplier> checks;

  private HealthChecks(Map<String, BooleanSupplier> checks) {
    this.checks = checks;
  }

  /** No check: always UP. */
  public static HealthChecks none() {
    return new HealthChecks(Map.of());
  }

  public static HealthChecks of(String name, BooleanSupplier check) {
    return none().and(name, check);
  }

  public HealthChecks and(String name, BooleanSupplier check) {
    Map<String, BooleanSupplier> more = new LinkedHashMap<>(checks);
    more.put(name, check);
    return new HealthChecks(more);
  }

  public HealthChecks and(HealthChecks other) {
    Map<String, BooleanSupplier> more = new LinkedHashMap<>(checks);
    more.putAll(other.checks);
    return new HealthChecks(more);
  }

  /** Each check's result, in the order they were added. */
  public Map<String, Boolean> evaluate() {
    Map<String, Boolean> results = new LinkedHashMap<>();
    checks.forEach((name, check) -> results.put(name, check.getAsBoolean()));
    return results;
  }

  public boolean passing() {
    return evaluate().values().stream().allMatch(Boolean::booleanValue);
  }
}
