package io.otpstream.dispatcher.provider;

/**
 * A rendered message, ready for a provider. It holds the code in its bodies and lives only in
 * memory for the moment of sending; it is never logged or written to Kafka.
 *
 * @param subject email subject; null for SMS
 * @param html HTML body; null for SMS
 * @param sender sender id (SMS) or from address (email); null for the provider's default
 */
public record OutgoingMessage(
    String deliveryId,
    String sessionId,
    String to,
    String sender,
    String subject,
    String text,
    String html) {

  @Override
  public String toString() {
    return "OutgoingMessage[" + deliveryId + " to " + to + "]";
  }
}
