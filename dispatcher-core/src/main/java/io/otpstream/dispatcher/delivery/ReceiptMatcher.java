package io.otpstream.dispatcher.delivery;

import io.otpstream.common.kafka.KafkaSettings;
import io.otpstream.common.kafka.TopicFollower;
import io.otpstream.dispatcher.provider.ReceiptListener;
import io.otpstream.schemas.delivery.DeliveryState;
import io.otpstream.schemas.delivery.DeliveryStatus;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Matches the delivery receipts a provider reports (an SMSC's) to the messages of its channel, by
 * the provider's message id, and hands each match to its {@link Recorder} (DELIVERED or FAILED).
 *
 * <p>Whichever instance sent the message: every instance follows the sent markers of {@code
 * otp.delivery.sent} (each is the SENT status, with the provider's message id, written and acked
 * before SENT), so a receipt that an SMSC sends on another instance's bind, or after a restart, is
 * still matched. A receipt can come before its marker has been read (an SMSC can be that fast, and
 * the marker is written after the send returns): it is kept for two minutes for the marker to
 * claim. Bounded: markers older than a day, and past the newest {@value #MAX_AWAITING}, are not
 * kept (a code lives a day at most).
 */
final class ReceiptMatcher implements ReceiptListener, AutoCloseable {
  static final Duration EARLY_KEPT = Duration.ofMinutes(2);
  static final Duration SENT_KEPT = Duration.ofDays(1);
  static final int MAX_EARLY = 10_000;
  static final int MAX_AWAITING = 200_000;

  /** Records a matched receipt for the message whose SENT status is {@code sent}. */
  @FunctionalInterface
  interface Recorder {
    void receipt(DeliveryStatus sent, boolean delivered, String providerMessageId, String detail);
  }

  private record Receipt(boolean delivered, String detail, Instant at) {}

  private final Clock clock;
  private final Recorder recorder;
  private final String channel;
  private TopicFollower<DeliveryStatus> follower;

  /** SENT statuses whose receipt may come, by provider message id, oldest first. */
  private final Map<String, DeliveryStatus> awaiting =
      new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, DeliveryStatus> eldest) {
          return size() > MAX_AWAITING;
        }
      };

  /** Receipts that came before their marker, by provider message id. */
  private final Map<String, Receipt> early = new LinkedHashMap<>();

  ReceiptMatcher(String channel, Clock clock, Recorder recorder) {
    this.channel = channel;
    this.clock = clock;
    this.recorder = recorder;
  }

  /** A matcher that follows the markers every instance of the channel writes. */
  static ReceiptMatcher following(
      KafkaSettings kafka, String channel, Clock clock, Recorder recorder) {
    ReceiptMatcher m = new ReceiptMatcher(channel, clock, recorder);
    m.follower =
        new TopicFollower<>(
                kafka,
                kafka.topics().deliverySent.name(),
                kafka.topics().deliverySent.valueSerde().deserializer(),
                (key, sent) -> m.expect(sent),
                "otp-" + channel + "-receipts")
            .start();
    return m;
  }

  @Override
  public void onReceipt(String providerMessageId, boolean delivered, String stat, String err) {
    if (providerMessageId == null) {
      return;
    }
    String detail = stat + (err == null ? "" : " err:" + err);
    DeliveryStatus sent;
    synchronized (this) {
      sent = awaiting.remove(providerMessageId);
      if (sent == null) {
        Instant now = clock.instant();
        early.values().removeIf(r -> r.at().isBefore(now.minus(EARLY_KEPT)));
        if (early.size() < MAX_EARLY) {
          early.put(providerMessageId, new Receipt(delivered, detail, now));
        }
        return;
      }
    }
    recorder.receipt(sent, delivered, providerMessageId, detail);
  }

  /**
   * A message was sent (and its marker written) with this SENT status: its receipt is matched from
   * now on. Called by this instance's sender and for every marker read, this instance's own too.
   */
  void expect(DeliveryStatus sent) {
    if (sent == null
        || sent.getState() != DeliveryState.SENT
        || sent.getProviderMessageId() == null
        || !sent.getChannel().name().equalsIgnoreCase(channel)
        || sent.getOccurredAt().isBefore(clock.instant().minus(SENT_KEPT))) {
      return;
    }
    Receipt came;
    synchronized (this) {
      came = early.remove(sent.getProviderMessageId());
      if (came == null) {
        awaiting.put(sent.getProviderMessageId(), sent);
        return;
      }
    }
    recorder.receipt(sent, came.delivered(), sent.getProviderMessageId(), came.detail());
  }

  @Override
  public void close() {
    if (follower != null) {
      follower.close();
    }
  }
}
