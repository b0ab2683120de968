package io.otpstream.dispatcher.delivery;

import io.otpstream.dispatcher.provider.ReceiptListener;
import io.otpstream.schemas.delivery.DeliveryRequested;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Matches the delivery receipts a provider reports (an SMSC's) to the messages this instance sent,
 * by the provider's message id, and hands each match to its {@link Recorder} (DELIVERED or FAILED).
 * A receipt can come before the send it answers has returned (an SMSC can be that fast): it is kept
 * for two minutes for that send to claim. Memory only, bounded: a receipt for a message another
 * instance sent, or sent before a restart, is not matched.
 */
final class ReceiptMatcher implements ReceiptListener {
  private static final Logger log = LoggerFactory.getLogger(ReceiptMatcher.class);
  private static final Duration EARLY_KEPT = Duration.ofMinutes(2);
  private static final int MAX_EARLY = 10_000;
  private static final int MAX_AWAITING = 100_000;

  /** Records a matched receipt. */
  @FunctionalInterface
  interface Recorder {
    void receipt(
        DeliveryRequested delivery,
        String via,
        boolean delivered,
        String providerMessageId,
        String detail);
  }

  /** A sent message whose receipt may come, and the provider that sent it. */
  private record Awaiting(DeliveryRequested delivery, String via) {}

  private record Receipt(boolean delivered, String detail, Instant at) {}

  private final Clock clock;
  private final Recorder recorder;
  private final Map<String, Awaiting> awaiting = new ConcurrentHashMap<>();

  /** Receipts that came before their send returned, by provider message id. */
  private final Map<String, Receipt> early = new ConcurrentHashMap<>();

  ReceiptMatcher(Clock clock, Recorder recorder) {
    this.clock = clock;
    this.recorder = recorder;
  }

  @Override
  public void onReceipt(String providerMessageId, boolean delivered, String stat, String err) {
    if (providerMessageId == null) {
      return;
    }
    String detail = stat + (err == null ? "" : " err:" + err);
    Awaiting a = awaiting.remove(providerMessageId);
    if (a == null) {
      Instant now = clock.instant();
      early.values().removeIf(r -> r.at().isBefore(now.minus(EARLY_KEPT)));
      if (early.size() < MAX_EARLY) {
        early.put(providerMessageId, new Receipt(delivered, detail, now));
      }
      return;
    }
    recorder.receipt(a.delivery(), a.via(), delivered, providerMessageId, detail);
  }

  /**
   * A message was sent (and recorded SENT) with this provider id: its receipt is matched from now
   * on.
   */
  void expect(String providerMessageId, DeliveryRequested delivery, String via) {
    Awaiting a = new Awaiting(delivery, via);
    Receipt came = early.remove(providerMessageId);
    if (came != null) {
      recorder.receipt(delivery, via, came.delivered(), providerMessageId, came.detail());
      return;
    }
    if (awaiting.size() > MAX_AWAITING) {
      log.warn("{} messages wait for a receipt; forgetting them", awaiting.size());
      awaiting.clear();
    }
    awaiting.put(providerMessageId, a);
    Receipt raced =
        early.remove(providerMessageId); // a receipt that came between the two lines above
    if (raced != null && awaiting.remove(providerMessageId) != null) {
      recorder.receipt(delivery, via, raced.delivered(), providerMessageId, raced.detail());
    }
  }
}
