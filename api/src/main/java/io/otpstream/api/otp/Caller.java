package io.otpstream.api.otp;

import io.otpstream.api.address.ClientAddresses.Source;
import java.time.Instant;

/**
 * Who a command is for and where it comes from, fixed when the request arrives: the app, whether it
 * is a sandbox request, the client's source as per-IP limits count it, the request's time (the
 * command's event time) and, for an {@code Idempotency-Key} request, the key and the request's
 * hash.
 */
public record Caller(
    String appId, boolean sandbox, Source source, Instant at, Idempotent idempotent) {
  /** The client's {@code Idempotency-Key} and the stable hash its repeats share. */
  public record Idempotent(String key, String requestHash) {}
}
