package io.otpstream.dispatcher.provider;

/** Something that sends a rendered message: an SMTP server, an SMPP SMSC, an HTTP SMS API, the dev outbox. */
public interface DeliveryProvider extends AutoCloseable {

  /** A short name recorded on every DeliveryStatus, e.g. {@code smtp}, {@code outbox}. */
  String name();

  /**
   * Sends the message and tells which provider sent it, with the id it gave the message (or null).
   *
   * @throws DeliveryException transient or permanent, as the provider judges
   */
  Sent send(OutgoingMessage message) throws DeliveryException;

  /** Does it report delivery receipts later (an SMSC does)? Only then does the worker remember what it sent. */
  default boolean receipts() {
    return false;
  }

  @Override
  default void close() {
  }
}
