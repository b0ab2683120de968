package io.otpstream.api.gateway;

/** Kafka did not accept the command. */
public final class GatewayUnavailableException extends RuntimeException {
  public GatewayUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
