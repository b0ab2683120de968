package io.otpstream.common.outbox;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;

/**
 * One message the local outbox provider "delivered", as the dev outbox page shows it.
 *
 * @param sender the SMS sender id or email from address, when the message named one
 */
public record OutboxMessage(
    String channel,
    String to,
    String subject,
    String body,
    @JsonProperty("sent_at") Instant sentAt,
    @JsonProperty("session_id") String sessionId,
    @JsonProperty("delivery_id") String deliveryId,
    String sender) {

  public OutboxMessage(
      String channel,
      String to,
      String subject,
      String body,
      Instant sentAt,
      String sessionId,
      String deliveryId) {
    this(channel, to, subject, body, sentAt, sessionId, deliveryId, null);
  }
}
