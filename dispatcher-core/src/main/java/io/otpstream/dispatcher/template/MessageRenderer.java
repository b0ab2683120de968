package io.otpstream.dispatcher.template;

import io.otpstream.dispatcher.provider.OutgoingMessage;
import io.otpstream.schemas.delivery.DeliveryRequested;
import java.time.Instant;

/** Turns a delivery request and its freshly derived code into the message a provider sends. */
public interface MessageRenderer {
  OutgoingMessage render(DeliveryRequested delivery, String code, Instant now);

  /** Whole minutes left until expiry, at least 1, for "expires in N minutes". */
  static long minutesLeft(DeliveryRequested d, Instant now) {
    long ms = d.getExpiresAt().toEpochMilli() - now.toEpochMilli();
    return Math.max(1, (ms + 59_999) / 60_000);
  }

  static String appName(DeliveryRequested d) {
    return d.getAppName() != null ? d.getAppName() : d.getAppId();
  }
}
