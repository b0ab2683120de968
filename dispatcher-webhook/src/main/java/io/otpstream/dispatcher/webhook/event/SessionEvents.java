package io.otpstream.dispatcher.webhook.event;

import io.otpstream.common.webhook.WebhookEventTypes;
import io.otpstream.schemas.audit.AuditEvent;
import io.otpstream.schemas.audit.AuditType;
import java.util.Locale;
import java.util.Optional;

/**
 * Which audit events of {@code otp.events} are webhook events, and which: a verified, locked or
 * expired session as the processor decided it; a code sent, delivered, failed (failed or dead
 * letter) or expired before sending as a dispatcher reported it. The processor writes a delivery
 * report's channel and state at the start of the event's detail ({@code "sms DELIVERED via …"}),
 * the only place an audit event carries them. Every other audit event (starts, refusals, limits,
 * failed checks) is not posted.
 */
public final class SessionEvents {
  private SessionEvents() {}

  /**
   * A webhook event: its short type ({@link WebhookEventTypes}), and for delivery reports the
   * channel and delivery state (lower case), else null.
   */
  public record SessionEvent(String type, String channel, String status) {}

  public static Optional<SessionEvent> of(AuditEvent e) {
    if (e.getSessionId() == null) {
      return Optional.empty();
    }
    return switch (e.getType()) {
      case VERIFIED -> Optional.of(new SessionEvent(WebhookEventTypes.VERIFIED, null, null));
      case LOCKED -> Optional.of(new SessionEvent(WebhookEventTypes.LOCKED, null, null));
      case EXPIRED -> Optional.of(new SessionEvent(WebhookEventTypes.EXPIRED, null, null));
      case DELIVERY_STATUS -> delivery(e.getDetail());
      default -> Optional.empty();
    };
  }

  private static Optional<SessionEvent> delivery(String detail) {
    if (detail == null) {
      return Optional.empty();
    }
    String[] words = detail.split(" ", 3);
    if (words.length < 2 || !(words[0].equals("sms") || words[0].equals("email"))) {
      return Optional.empty();
    }
    String type =
        switch (words[1]) {
          case "SENT" -> WebhookEventTypes.SENT;
          case "DELIVERED" -> WebhookEventTypes.DELIVERED;
          case "FAILED", "DEAD_LETTERED" -> WebhookEventTypes.FAILED;
          case "EXPIRED" -> WebhookEventTypes.EXPIRED;
          default -> null;
        };
    return type == null
        ? Optional.empty()
        : Optional.of(new SessionEvent(type, words[0], words[1].toLowerCase(Locale.ROOT)));
  }

  /** Is this an audit type that can become a webhook event (for a quick skip)? */
  public static boolean candidate(AuditType t) {
    return t == AuditType.VERIFIED
        || t == AuditType.LOCKED
        || t == AuditType.EXPIRED
        || t == AuditType.DELIVERY_STATUS;
  }
}
