package io.otpstream.api.gateway;

import java.time.Duration;

/** No decision arrived in time; the client should retry shortly. */
public final class GatewayTimeoutException extends RuntimeException {
  public GatewayTimeoutException(Duration timeout) {
    super("no decision within " + timeout.toMillis() + " ms");
  }
}
