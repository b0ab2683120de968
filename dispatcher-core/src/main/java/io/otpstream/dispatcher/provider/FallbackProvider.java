package io.otpstream.dispatcher.provider;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * A primary provider with a fallback, and a small circuit breaker in front of the primary.
 *
 * <p>Per message: the primary is tried unless its circuit is open; the fallback is tried when the primary
 * failed (permanently <em>or</em> transiently) or was skipped. Trying the fallback after a transient failure
 * of the primary, even while its circuit is still closed, is deliberate: a code expires in minutes, and a
 * message should not wait for the dispatcher's backoff because of a flaky primary. The price is a possible
 * duplicate SMS (same code) when the primary did deliver but answered too late; the HTTP provider passes
 * the delivery id as {@code {{message_id}}} so a provider can at least drop its own duplicates.
 *
 * <p>Circuit: {@code failureThreshold} consecutive transient failures of the primary (default 3) open it
 * for {@code coolDown} (default 30 s), during which every message goes straight to the fallback. After the
 * cool-down, exactly one message (the trial) goes to the primary while the others keep going to the
 * fallback; a trial that succeeds, or fails permanently (the primary answered: it is up, it refused that
 * message), closes the circuit; a trial that fails transiently opens it for another cool-down. A permanent
 * failure or a success also resets the count of consecutive transient failures.
 *
 * <p>If both fail, the exception is permanent only if both failures were permanent; a skipped primary
 * counts as a transient failure (it may take the message once it is back), so the dispatcher retries.
 *
 * <p>{@link #name()} names the pair ({@code primary|fallback}); which one actually sent a message is in
 * {@link #send(OutgoingMessage)}'s {@link Sent#providerName()}. Thread-safe.
 */
public final class FallbackProvider implements DeliveryProvider {
  public static final int DEFAULT_FAILURE_THRESHOLD = 3;
  public static final Duration DEFAULT_COOL_DOWN = Duration.ofSeconds(30);

  /** The primary's circuit, for health pages and metrics. */
  public enum CircuitState { CLOSED, OPEN, HALF_OPEN }

  private enum Route { PRIMARY, TRIAL, SKIP }

  private final DeliveryProvider primary;
  private final DeliveryProvider fallback;
  private final int failureThreshold;
  private final Duration coolDown;
  private final Clock clock;

  private final Object lock = new Object();
  // guarded by lock
  private int consecutiveTransient;
  private Instant openUntil; // null: closed
  private boolean trialInFlight;

  public FallbackProvider(DeliveryProvider primary, DeliveryProvider fallback, Clock clock) {
    this(primary, fallback, DEFAULT_FAILURE_THRESHOLD, DEFAULT_COOL_DOWN, clock);
  }

  public FallbackProvider(DeliveryProvider primary, DeliveryProvider fallback, int failureThreshold, Duration coolDown, Clock clock) {
    this.primary = Objects.requireNonNull(primary, "primary");
    this.fallback = Objects.requireNonNull(fallback, "fallback");
    this.clock = Objects.requireNonNull(clock, "clock");
    if (failureThreshold < 1 || coolDown == null || coolDown.isNegative()) {
      throw new IllegalArgumentException("invalid circuit: threshold " + failureThreshold + ", cool-down " + coolDown);
    }
    this.failureThreshold = failureThreshold;
    this.coolDown = coolDown;
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
    Route route = route();
    DeliveryException primaryFailure = null;
    if (route != Route.SKIP) {
      boolean trial = route == Route.TRIAL;
      boolean recorded = false;
      try {
        Sent sent = primary.send(message);
        recordAnswered(trial);
        recorded = true;
        return sent;
      } catch (DeliveryException e) {
        if (e.permanent()) {
          recordAnswered(trial);
        } else {
          recordTransient(trial);
        }
        recorded = true;
        primaryFailure = e;
      } catch (RuntimeException e) {
        recordTransient(trial);
        recorded = true;
        primaryFailure = new DeliveryException(primary.name() + ": unexpected " + e.getClass().getSimpleName(), false, e);
      } finally {
        if (!recorded) { // an Error: do not leave the trial slot taken
          recordTransient(trial);
        }
      }
    }
    try {
      return fallback.send(message);
    } catch (DeliveryException f) {
      if (primaryFailure == null) {
        throw new DeliveryException(primary.name() + ": skipped (circuit open); then " + f.getMessage(), false, f);
      }
      DeliveryException e = new DeliveryException(primaryFailure.getMessage() + "; then " + f.getMessage(),
          primaryFailure.permanent() && f.permanent(), f);
      e.addSuppressed(primaryFailure);
      throw e;
    }
  }

  public CircuitState circuitState() {
    synchronized (lock) {
      if (openUntil == null) {
        return CircuitState.CLOSED;
      }
      return clock.instant().isBefore(openUntil) ? CircuitState.OPEN : CircuitState.HALF_OPEN;
    }
  }

  private Route route() {
    synchronized (lock) {
      if (openUntil == null) {
        return Route.PRIMARY;
      }
      if (clock.instant().isBefore(openUntil) || trialInFlight) {
        return Route.SKIP;
      }
      trialInFlight = true;
      return Route.TRIAL;
    }
  }

  /** The primary answered: it sent, or refused this message for good. Either way it is up. */
  private void recordAnswered(boolean trial) {
    synchronized (lock) {
      if (trial) {
        trialInFlight = false;
      }
      consecutiveTransient = 0;
      openUntil = null;
    }
  }

  private void recordTransient(boolean trial) {
    synchronized (lock) {
      consecutiveTransient++;
      if (trial) {
        trialInFlight = false;
        if (openUntil != null) {
          openUntil = clock.instant().plus(coolDown); // failed trial: another cool-down
        } else if (consecutiveTransient >= failureThreshold) {
          openUntil = clock.instant().plus(coolDown); // closed meanwhile by another call; count as usual
        }
      } else if (openUntil == null && consecutiveTransient >= failureThreshold) {
        openUntil = clock.instant().plus(coolDown);
      }
      // a call started before the circuit opened that fails now changes nothing more
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
