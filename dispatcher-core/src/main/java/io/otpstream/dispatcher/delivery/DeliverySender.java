package io.otpstream.dispatcher.delivery;

import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.github.resilience4j.ratelimiter.RequestNotPermitted;
import io.otpstream.dispatcher.provider.DeliveryException;
import io.otpstream.dispatcher.provider.DeliveryProvider;
import io.otpstream.dispatcher.provider.OutgoingMessage;
import io.otpstream.dispatcher.provider.Sent;
import io.otpstream.schemas.delivery.DeliveryRequested;
import io.otpstream.schemas.delivery.DeliveryState;
import io.otpstream.schemas.delivery.DeliveryStatus;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Sends one delivery, on one of the worker's sender threads: skips it when its sent marker is there
 * or its code has expired (EXPIRED), waits for a slot of the provider's rate (resilience4j),
 * composes the message and sends it; then records the outcome ({@link DeliveryOutcomes}) and, for a
 * provider that reports receipts, expects the receipt ({@link ReceiptMatcher}, which the worker
 * gives the provider; it also learns of the message from its marker).
 */
final class DeliverySender {
  private static final Logger log = LoggerFactory.getLogger(DeliverySender.class);

  private final DeliveryProvider provider;
  private final MessageComposer composer;
  private final Clock clock;
  private final RetryPolicy retry;
  private final SentMarkers markers;
  private final DeliveryOutcomes outcomes;
  private final RateLimiter rate;
  private final ReceiptMatcher receipts;

  DeliverySender(
      String channel,
      int ratePerSecond,
      DeliveryProvider provider,
      MessageComposer composer,
      Clock clock,
      RetryPolicy retry,
      SentMarkers markers,
      DeliveryOutcomes outcomes,
      ReceiptMatcher receipts) {
    this.provider = provider;
    this.composer = composer;
    this.clock = clock;
    this.retry = retry;
    this.markers = markers;
    this.outcomes = outcomes;
    this.rate =
        RateLimiter.of(
            "otp-" + channel + "-" + provider.name(),
            RateLimiterConfig.custom()
                .limitForPeriod(Math.max(1, ratePerSecond))
                .limitRefreshPeriod(Duration.ofSeconds(1))
                .timeoutDuration(Duration.ofMinutes(1))
                .build());
    this.receipts = receipts;
  }

  /**
   * One delivery, its ids ({@code delivery_id}, {@code session_id}, {@code app_id}) on every line
   * it logs; never throws but when its outcome cannot be written (then the worker stops before
   * committing).
   */
  void handle(DeliveryRequested d, int partition, int attempt) {
    try (MDC.MDCCloseable delivery = MDC.putCloseable("delivery_id", d.getDeliveryId());
        MDC.MDCCloseable session = MDC.putCloseable("session_id", d.getSessionId());
        MDC.MDCCloseable app = MDC.putCloseable("app_id", d.getAppId())) {
      send(d, partition, attempt);
    }
  }

  private void send(DeliveryRequested d, int partition, int attempt) {
    try {
      if (markers.contains(partition, d.getDeliveryId())) {
        log.info("delivery {} already sent; not sending it again", d.getDeliveryId());
        return;
      }
      if (retry.expired(d, clock.instant())) {
        outcomes.report(
            d, DeliveryState.EXPIRED, null, "code expired before it could be sent", attempt);
        return;
      }
      try {
        rate.acquirePermission();
      } catch (RequestNotPermitted e) {
        outcomes.failed(
            d,
            partition,
            attempt,
            new DeliveryException("provider rate: no slot within a minute", false, null));
        return;
      }
      Instant now = clock.instant();
      if (retry.expired(d, now)) {
        outcomes.report(
            d,
            DeliveryState.EXPIRED,
            null,
            "code expired while waiting for the provider's rate",
            attempt);
        return;
      }
      OutgoingMessage message = composer.compose(d, now);
      try {
        Sent sent = provider.send(message);
        DeliveryStatus status = outcomes.sent(d, partition, sent, attempt);
        if (receipts != null) {
          receipts.expect(status);
        }
        log.info(
            "delivery {} SENT via {} (attempt {})",
            d.getDeliveryId(),
            sent.providerName(),
            attempt);
      } catch (DeliveryException e) {
        outcomes.failed(d, partition, attempt, e);
      }
    } catch (RuntimeException e) {
      log.error("delivery {} failed unexpectedly", d.getDeliveryId(), e);
      if (!markers.contains(partition, d.getDeliveryId())) {
        outcomes.deadLetter(
            d,
            attempt,
            "internal error: "
                + e.getClass().getSimpleName()); // throws if that fails too: the batch stops
      }
    }
  }
}
