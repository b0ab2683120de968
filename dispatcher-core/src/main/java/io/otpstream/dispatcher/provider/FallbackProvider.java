package io.otpstream.dispatcher.provider;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig.SlidingWindowType;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.circuitbreaker.event.CircuitBreakerOnStateTransitionEvent;
import io.github.resilience4j.micrometer.tagged.TaggedCircuitBreakerMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A primary provider with a fallback, and a circuit breaker (resilience4j) in front of the primary.
 *
 * <p>Per message: the primary is tried unless its circuit is open; the fallback is tried when the
 * primary failed (permanently <em>or</em> transiently) or was skipped. Trying the fallback after a
 * transient failure of the primary, even while its circuit is still closed, is deliberate: a code
 * expires in minutes, and a message should not wait for the dispatcher's backoff because of a flaky
 * primary. The price is a possible duplicate SMS (same code) when the primary did deliver but
 * answered too late; the HTTP provider passes the delivery id as {@code {{message_id}}} so a
 * provider can at least drop its own duplicates.
 *
 * <p>Circuit ({@link CircuitSettings}): {@code failures} consecutive transient failures of the
 * primary (default 3) open it for {@code openFor} (default 30 s), during which every message goes
 * straight to the fallback. Once that has passed, exactly one message (the trial) goes to the
 * primary while the others keep going to the fallback; a trial that succeeds, or fails permanently
 * (the primary answered: it is up, it refused that message), closes the circuit; a trial that fails
 * transiently opens it for another {@code openFor}. A permanent failure or a success also counts as
 * an answer when the circuit is closed, so only an unbroken run of transient failures opens it.
 * Every change of state is logged.
 *
 * <p>If both fail, the exception is permanent only if both failures were permanent; a skipped
 * primary counts as a transient failure (it may take the message once it is back), so the
 * dispatcher retries.
 *
 * <p>{@link #name()} names the pair ({@code primary|fallback}); which one actually sent a message
 * is in {@link #send(OutgoingMessage)}'s {@link Sent#providerName()}. Thread-safe.
 *
 * <p>Its meters ({@link #bindTo}) are resilience4j's: {@code resilience4j_circuitbreaker_state} (1
 * for the current state, by {@code name} = the primary's name and {@code state}), the calls by
 * kind, the failure rate. resilience4j reports OPEN until the next call after {@code openFor},
 * where {@link #circuitState()} already says HALF_OPEN.
 */
public final class FallbackProvider implements DeliveryProvider, MeterBinder {
  private static final Logger log = LoggerFactory.getLogger(FallbackProvider.class);

  /** The primary's circuit, for health pages and metrics. */
  public enum CircuitState {
    CLOSED,
    OPEN,
    HALF_OPEN
  }

  private final DeliveryProvider primary;
  private final DeliveryProvider fallback;
  private final CircuitSettings circuit;
  private final Clock clock;
  private final CircuitBreakerRegistry breakers;
  private final CircuitBreaker breaker;

  /** When the circuit last opened, by {@link #clock}. */
  private volatile Instant openedAt = Instant.MIN;

  public FallbackProvider(DeliveryProvider primary, DeliveryProvider fallback, Clock clock) {
    this(primary, fallback, CircuitSettings.DEFAULTS, clock);
  }

  public FallbackProvider(
      DeliveryProvider primary,
      DeliveryProvider fallback,
      int failureThreshold,
      Duration coolDown,
      Clock clock) {
    this(primary, fallback, new CircuitSettings(failureThreshold, coolDown), clock);
  }

  public FallbackProvider(
      DeliveryProvider primary, DeliveryProvider fallback, CircuitSettings circuit, Clock clock) {
    this.primary = Objects.requireNonNull(primary, "primary");
    this.fallback = Objects.requireNonNull(fallback, "fallback");
    this.circuit = Objects.requireNonNull(circuit, "circuit");
    this.clock = Objects.requireNonNull(clock, "clock");
    // a window of the last n calls, all failed: n transient failures in a row
    this.breakers =
        CircuitBreakerRegistry.of(
            CircuitBreakerConfig.custom()
                .slidingWindowType(SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(circuit.failures())
                .minimumNumberOfCalls(circuit.failures())
                .failureRateThreshold(100)
                .slowCallRateThreshold(100)
                .slowCallDurationThreshold(Duration.ofDays(365)) // slowness alone never opens it
                .waitDurationInOpenState(circuit.openFor())
                .permittedNumberOfCallsInHalfOpenState(1)
                .clock(clock)
                .build());
    this.breaker = breakers.circuitBreaker(primary.name());
    breaker.getEventPublisher().onStateTransition(this::logged);
  }

  /** The primary's circuit breaker: its state, calls and failure rate. */
  @Override
  public void bindTo(MeterRegistry registry) {
    TaggedCircuitBreakerMetrics.ofCircuitBreakerRegistry(breakers).bindTo(registry);
  }

  @Override
  public String name() {
    return primary.name() + "|" + fallback.name();
  }

  @Override
  public boolean receipts() {
    return primary.receipts() || fallback.receipts();
  }

  @Override
  public void receiptsTo(ReceiptListener listener) {
    primary.receiptsTo(listener);
    fallback.receiptsTo(listener);
  }

  public DeliveryProvider primary() {
    return primary;
  }

  public DeliveryProvider fallback() {
    return fallback;
  }

  @Override
  public Sent send(OutgoingMessage message) throws DeliveryException {
    DeliveryException primaryFailure = null;
    if (breaker.tryAcquirePermission()) {
      long start = breaker.getCurrentTimestamp();
      boolean recorded = false;
      try {
        Sent sent = primary.send(message);
        answered(start);
        recorded = true;
        return sent;
      } catch (DeliveryException e) {
        if (e.permanent()) {
          answered(start);
        } else {
          failed(start, e);
        }
        recorded = true;
        primaryFailure = e;
      } catch (RuntimeException e) {
        failed(start, e);
        recorded = true;
        primaryFailure =
            new DeliveryException(
                primary.name() + ": unexpected " + e.getClass().getSimpleName(), false, e);
      } finally {
        if (!recorded) { // an Error: do not leave the trial slot taken
          failed(start, new IllegalStateException("primary failed with an error"));
        }
      }
    }
    try {
      return fallback.send(message);
    } catch (DeliveryException f) {
      if (primaryFailure == null) {
        throw new DeliveryException(
            primary.name() + ": skipped (circuit open); then " + f.getMessage(), false, f);
      }
      DeliveryException e =
          new DeliveryException(
              primaryFailure.getMessage() + "; then " + f.getMessage(),
              primaryFailure.permanent() && f.permanent(),
              f);
      e.addSuppressed(primaryFailure);
      throw e;
    }
  }

  /** OPEN until {@code openFor} has passed; HALF_OPEN from then on, until a trial has answered. */
  public CircuitState circuitState() {
    return switch (breaker.getState()) {
      case CLOSED -> CircuitState.CLOSED;
      case HALF_OPEN -> CircuitState.HALF_OPEN;
      // resilience4j moves to half-open on the next call once the wait has passed: say so already
      default ->
          clock.instant().isAfter(openedAt.plus(circuit.openFor()))
              ? CircuitState.HALF_OPEN
              : CircuitState.OPEN;
    };
  }

  /** The primary answered: it sent, or refused this message for good. Either way it is up. */
  private void answered(long start) {
    breaker.onSuccess(breaker.getCurrentTimestamp() - start, breaker.getTimestampUnit());
  }

  private void failed(long start, Throwable e) {
    breaker.onError(breaker.getCurrentTimestamp() - start, breaker.getTimestampUnit(), e);
  }

  private void logged(CircuitBreakerOnStateTransitionEvent event) {
    switch (event.getStateTransition().getToState()) {
      case OPEN -> {
        openedAt = clock.instant();
        log.warn(
            "{} failed {} times in a row or failed its trial: its circuit opens, messages go to {} for {} ms",
            primary.name(),
            circuit.failures(),
            fallback.name(),
            circuit.openFor().toMillis());
      }
      case HALF_OPEN ->
          log.info("circuit of {} half open: one trial message goes to it", primary.name());
      case CLOSED ->
          log.info(
              "circuit of {} closed: {} answered its trial, messages go to it again",
              primary.name(),
              primary.name());
      default -> log.warn("circuit of {}: {}", primary.name(), event.getStateTransition());
    }
  }

  @Override
  public void close() {
    try {
      primary.close();
    } finally {
      fallback.close();
    }
  }
}
