package io.otpstream.dispatcher.provider;

/**
 * Something that sends a rendered message: an SMTP server, an SMPP SMSC, an HTTP SMS API, the dev
 * outbox.
 */
public interface DeliveryProvider extends AutoCloseable {

  /** A short name recorded on every DeliveryStatus, e.g. {@code smtp}, {@code outbox}. */
  String name();

  /**
   * Sends the message and tells which provider sent it, with the id it gave the message (or null).
   *
   * @throws DeliveryException transient or permanent, as the provider judges
   */
  Sent send(OutgoingMessage message) throws DeliveryException;

  /**
   * Does it report delivery receipts later (an SMSC does)? Only then does the worker remember what
   * it sent.
   */
  default boolean receipts() {
    return false;
  }

  /**
   * Where to hand the delivery receipts it gets from now on: the worker that sends through this
   * provider gives its receipt matcher here, once, when it is built. Providers without receipts
   * ignore it.
   */
  default void receiptsTo(ReceiptListener listener) {}

  @Override
  default void close() {}
}
