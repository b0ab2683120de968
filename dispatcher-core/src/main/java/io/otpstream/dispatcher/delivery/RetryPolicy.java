package io.otpstream.dispatcher.delivery;

import io.otpstream.schemas.delivery.DeliveryRequested;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * The time decisions of {@link DeliveryWorker}: is a code expired, is a retry due, and what follows
 * a failed attempt. Pure functions of the instant the worker's clock gives, kept apart from Kafka
 * so they can be read and tested on their own.
 *
 * <p>The wait before attempt n+1 is {@code backoff × 2^(n-1)} (the factor capped at 2^10). A
 * failure goes to the dead-letter topic when it is permanent, when it was the last attempt, or when
 * the next attempt would not come before the code expires: no retry is scheduled for a code that is
 * dead by then.
 *
 * @param backoff the wait before the second attempt
 * @param maxAttempts attempts before a delivery is dead-lettered
 */
public record RetryPolicy(Duration backoff, int maxAttempts) {

  public static RetryPolicy of(DeliveryTuning tuning) {
    return new RetryPolicy(tuning.retryBackoff(), tuning.maxAttempts());
  }

  /** From its {@code expiresAt} on, a code is never sent. */
  boolean expired(DeliveryRequested delivery, Instant now) {
    return !now.isBefore(delivery.getExpiresAt());
  }

  /** A retry may run from its not-before on; a delivery without one (a first attempt) at once. */
  public boolean due(Instant notBefore, Instant now) {
    return notBefore == null || !now.isBefore(notBefore);
  }

  /**
   * After attempt {@code attempt} failed at {@code now}: when to try again, or empty when the
   * delivery goes to the dead-letter topic.
   */
  public Optional<Instant> nextAttempt(
      int attempt, boolean permanent, Instant now, Instant expiresAt) {
    if (permanent || attempt >= maxAttempts) {
      return Optional.empty();
    }
    Instant next = now.plus(backoff.multipliedBy(1L << Math.min(attempt - 1, 10)));
    return next.isBefore(expiresAt) ? Optional.of(next) : Optional.empty();
  }
}
