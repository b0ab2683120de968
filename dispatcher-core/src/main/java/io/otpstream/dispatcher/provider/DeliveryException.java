package io.otpstream.dispatcher.provider;

/** A failed send; {@code permanent} ones are not retried (bad address, refused content). */
public final class DeliveryException extends Exception {
  private final boolean permanent;

  public DeliveryException(String message, boolean permanent, Throwable cause) {
    super(message, cause);
    this.permanent = permanent;
  }

  public boolean permanent() {
    return permanent;
  }
}
