package io.otpstream.dispatcher.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.otpstream.schemas.common.Channel;
import io.otpstream.schemas.delivery.DeliveryRequested;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The worker's time decisions, with the time in the test's hand: the wait between attempts, when
 * the attempts run out, permanent failures, and expiry. The worker's use of them on a real cluster
 * is in the e2e module's DeliveryWorkerRetryTest.
 */
class RetryPolicyTest {
  private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");
  private static final Duration MS = Duration.ofMillis(1);
  private final RetryPolicy policy = new RetryPolicy(Duration.ofSeconds(1), 5);

  private static DeliveryRequested expiringAt(Instant expiresAt) {
    return DeliveryRequested.newBuilder()
        .setDeliveryId("ses_1:0:sms")
        .setSessionId("ses_1")
        .setSubjectId("sub_1")
        .setAppId("app")
        .setChannel(Channel.SMS)
        .setDestination("+33612340001")
        .setGeneration(0)
        .setOtpLength(6)
        .setRequestedAt(T0)
        .setExpiresAt(expiresAt)
        .build();
  }

  @Test
  void the_second_attempt_waits_the_backoff_and_each_further_one_twice_as_long() {
    Instant far = T0.plus(Duration.ofHours(1));
    assertEquals(Optional.of(T0.plusSeconds(1)), policy.nextAttempt(1, false, T0, far));
    assertEquals(Optional.of(T0.plusSeconds(2)), policy.nextAttempt(2, false, T0, far));
    assertEquals(Optional.of(T0.plusSeconds(4)), policy.nextAttempt(3, false, T0, far));
    assertEquals(Optional.of(T0.plusSeconds(8)), policy.nextAttempt(4, false, T0, far));
  }

  @Test
  void when_the_attempts_run_out_the_delivery_is_dead_lettered() {
    Instant far = T0.plus(Duration.ofHours(1));
    assertTrue(
        policy.nextAttempt(4, false, T0, far).isPresent(), "the fourth failure of five is retried");
    assertEquals(Optional.empty(), policy.nextAttempt(5, false, T0, far), "the fifth is the last");
    assertEquals(Optional.empty(), policy.nextAttempt(6, false, T0, far));
  }

  @Test
  void a_permanent_failure_is_dead_lettered_at_once() {
    assertEquals(Optional.empty(), policy.nextAttempt(1, true, T0, T0.plus(Duration.ofHours(1))));
  }

  @Test
  void a_retry_that_would_not_come_before_the_expiry_is_not_scheduled() {
    assertEquals(
        Optional.empty(),
        policy.nextAttempt(1, false, T0, T0.plusSeconds(1)),
        "due exactly at the expiry");
    assertEquals(
        Optional.empty(), policy.nextAttempt(3, false, T0, T0.plusSeconds(3)), "due after it");
    assertEquals(
        Optional.of(T0.plusSeconds(1)),
        policy.nextAttempt(1, false, T0, T0.plusSeconds(1).plus(MS)));
  }

  @Test
  void a_code_is_expired_from_its_expires_at_on() {
    DeliveryRequested d = expiringAt(T0.plusSeconds(10));
    assertFalse(policy.expired(d, T0.plusSeconds(10).minus(MS)));
    assertTrue(policy.expired(d, T0.plusSeconds(10)));
    assertTrue(policy.expired(d, T0.plusSeconds(11)));
  }

  @Test
  void a_retry_is_due_from_its_not_before_on_and_a_first_attempt_at_once() {
    Instant notBefore = T0.plusSeconds(2);
    assertFalse(policy.due(notBefore, notBefore.minus(MS)));
    assertTrue(policy.due(notBefore, notBefore));
    assertTrue(policy.due(null, T0));
  }

  @Test
  void a_provider_that_stays_down_gets_every_attempt_before_the_expiry_and_none_after() {
    // the worker's loop, with a clock that jumps to each retry's time
    DeliveryRequested d = expiringAt(T0.plusSeconds(10));
    List<Instant> attempts = new ArrayList<>();
    Optional<Instant> next = Optional.of(T0);
    while (next.isPresent() && !policy.expired(d, next.get())) {
      attempts.add(next.get());
      next = policy.nextAttempt(attempts.size(), false, next.get(), d.getExpiresAt());
    }
    assertEquals(
        List.of(T0, T0.plusSeconds(1), T0.plusSeconds(3), T0.plusSeconds(7)),
        attempts,
        "the fifth attempt would come at 15 s, after the expiry at 10 s: dead-lettered after the fourth");
    assertTrue(next.isEmpty(), "dead-lettered, not expired on a later retry");
  }
}
