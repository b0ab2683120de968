package io.otpstream.common.webhook;

import java.util.List;

/**
 * The session events an app may subscribe a webhook to, by their short names; a posted event's
 * {@code type} is {@code otp.session.<name>}.
 */
public final class WebhookEventTypes {
  public static final String SENT = "sent";
  public static final String DELIVERED = "delivered";
  public static final String FAILED = "failed";
  public static final String VERIFIED = "verified";
  public static final String LOCKED = "locked";
  public static final String EXPIRED = "expired";

  public static final List<String> ALL =
      List.of(SENT, DELIVERED, FAILED, VERIFIED, LOCKED, EXPIRED);

  private WebhookEventTypes() {}

  /** The {@code type} of a posted event, e.g. {@code otp.session.verified}. */
  public static String qualified(String name) {
    return "otp.session." + name;
  }
}
