package io.otpstream.common.code;

import io.otpstream.common.secret.Secrets;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * The one place codes come from. The code of (session, generation) is a pure function of the app,
 * the session, the generation and the length: HMAC-SHA256(app code key, session id || ":" ||
 * generation), read as four 64-bit big-endian numbers, the first below the largest multiple of 10^N
 * under 2^64 taken modulo 10^N (rejection sampling, so each of the 10^N codes is exactly as likely;
 * see docs/decisions.md for why not RFC 4226 truncation). Nothing stores a code: the processor
 * keeps the generation, dispatchers derive the code just before sending, and a check carries {@link
 * #checkMac} of what the user typed.
 */
public final class OtpCodes {
  public static final int MIN_LENGTH = 4;
  public static final int MAX_LENGTH = 10;
  private static final long[] POWERS = {
    1L,
    10L,
    100L,
    1_000L,
    10_000L,
    100_000L,
    1_000_000L,
    10_000_000L,
    100_000_000L,
    1_000_000_000L,
    10_000_000_000L
  };

  private final Secrets secrets;

  public OtpCodes(Secrets secrets) {
    this.secrets = secrets;
  }

  public String code(String appId, String sessionId, int generation, int length) {
    if (length < MIN_LENGTH || length > MAX_LENGTH) {
      throw new IllegalArgumentException("code length must be " + MIN_LENGTH + ".." + MAX_LENGTH);
    }
    long value =
        uniformBelow(
            secrets.codeKey(appId),
            (sessionId + ":" + generation).getBytes(StandardCharsets.UTF_8),
            POWERS[length]);
    String digits = Long.toString(value); // ASCII whatever the default locale, unlike String.format
    return "0".repeat(length - digits.length()) + digits;
  }

  /**
   * A value uniform in [0, bound), deterministic in (key, message): the first 64-bit chunk of
   * HMAC(key, message) below the largest multiple of bound under 2^64, modulo bound. When all four
   * chunks are above it, the next HMAC is over message || 0x00 || counter (counter 1, 2, ...).
   */
  static long uniformBelow(byte[] key, byte[] message, long bound) {
    if (bound <= 0) {
      throw new IllegalArgumentException("bound must be positive");
    }
    long excess =
        Long.remainderUnsigned(Long.remainderUnsigned(-1L, bound) + 1, bound); // 2^64 mod bound
    long limit = -excess; // 2^64 - excess, unsigned; excess 0 means every chunk is taken
    for (int counter = 0; ; counter++) {
      ByteBuffer chunks =
          ByteBuffer.wrap(
              Secrets.hmac(
                  key,
                  counter == 0
                      ? message
                      : ByteBuffer.allocate(message.length + 1 + Integer.BYTES)
                          .put(message)
                          .put((byte) 0)
                          .putInt(counter)
                          .array()));
      while (chunks.remaining() >= Long.BYTES) {
        long chunk = chunks.getLong();
        if (excess == 0 || Long.compareUnsigned(chunk, limit) < 0) {
          return Long.remainderUnsigned(chunk, bound);
        }
      }
    }
  }

  /** The keyed MAC of a code a user submitted for a session; all a check command carries. */
  public byte[] checkMac(String appId, String sessionId, String submittedCode) {
    return Secrets.hmac(
        secrets.checkKey(appId),
        (sessionId + ":" + submittedCode).getBytes(StandardCharsets.UTF_8));
  }

  /** Constant-time: does the submitted MAC match the code of this generation? */
  public boolean matches(
      String appId, String sessionId, int generation, int length, byte[] submittedMac) {
    byte[] expected = checkMac(appId, sessionId, code(appId, sessionId, generation, length));
    return MessageDigest.isEqual(expected, submittedMac);
  }
}
