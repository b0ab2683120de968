package io.otpstream.dispatcher.delivery;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * The headers a delivery carries on its channel's retry topic: which attempt it is ({@code
 * otp-attempt}) and when it may run ({@code otp-not-before}, epoch milliseconds), each an 8-byte
 * long. A delivery without them is a first attempt, due at once. The webhook dispatcher uses them
 * on its retry topic too.
 */
public final class RetryHeaders {
  public static final String ATTEMPT = "otp-attempt";
  public static final String NOT_BEFORE = "otp-not-before";

  private RetryHeaders() {}

  public static int attempt(ConsumerRecord<?, ?> r) {
    return longHeader(r, ATTEMPT).map(Long::intValue).orElse(1);
  }

  /** The not-before of a retry; null for a first attempt. */
  public static Instant notBefore(ConsumerRecord<?, ?> r) {
    return longHeader(r, NOT_BEFORE).map(Instant::ofEpochMilli).orElse(null);
  }

  public static void add(Headers headers, int attempt, Instant notBefore) {
    headers.add(ATTEMPT, longBytes(attempt)).add(NOT_BEFORE, longBytes(notBefore.toEpochMilli()));
  }

  private static Optional<Long> longHeader(ConsumerRecord<?, ?> r, String name) {
    Header h = r.headers().lastHeader(name);
    if (h == null || h.value() == null || h.value().length != Long.BYTES) {
      return Optional.empty();
    }
    return Optional.of(ByteBuffer.wrap(h.value()).getLong());
  }

  private static byte[] longBytes(long v) {
    return ByteBuffer.allocate(Long.BYTES).putLong(v).array();
  }
}
