package io.otpstream.common.code;

import io.otpstream.common.secret.Secrets;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * The one place codes come from. The code of (session, generation) is
 * HMAC-SHA256(app code key, session id || ":" || generation) reduced to N digits with RFC 4226
 * dynamic truncation. Nothing stores a code: the processor keeps the generation, dispatchers
 * derive the code just before sending, and a check carries {@link #checkMac} of what the user
 * typed.
 */
public final class OtpCodes {
  public static final int MIN_LENGTH = 4;
  public static final int MAX_LENGTH = 10;
  private static final long[] POWERS = {1L, 10L, 100L, 1_000L, 10_000L, 100_000L, 1_000_000L, 10_000_000L,
      100_000_000L, 1_000_000_000L, 10_000_000_000L};

  private final Secrets secrets;

  public OtpCodes(Secrets secrets) {
    this.secrets = secrets;
  }

  public String code(String appId, String sessionId, int generation, int length) {
    if (length < MIN_LENGTH || length > MAX_LENGTH) {
      throw new IllegalArgumentException("code length must be " + MIN_LENGTH + ".." + MAX_LENGTH);
    }
    byte[] h = Secrets.hmac(secrets.codeKey(appId), (sessionId + ":" + generation).getBytes(StandardCharsets.UTF_8));
    int offset = h[h.length - 1] & 0x0f;
    long binary = ((h[offset] & 0x7fL) << 24) | ((h[offset + 1] & 0xffL) << 16)
        | ((h[offset + 2] & 0xffL) << 8) | (h[offset + 3] & 0xffL);
    // A 31-bit value has at most 10 digits; for length 10 widen with the next bytes so every digit varies.
    if (length == MAX_LENGTH) {
      binary = (binary << 8 | (h[(offset + 4) % h.length] & 0xffL));
    }
    long value = binary % POWERS[length];
    return String.format("%0" + length + "d", value);
  }

  /** The keyed MAC of a code a user submitted for a session; all a check command carries. */
  public byte[] checkMac(String appId, String sessionId, String submittedCode) {
    return Secrets.hmac(secrets.checkKey(appId), (sessionId + ":" + submittedCode).getBytes(StandardCharsets.UTF_8));
  }

  /** Constant-time: does the submitted MAC match the code of this generation? */
  public boolean matches(String appId, String sessionId, int generation, int length, byte[] submittedMac) {
    byte[] expected = checkMac(appId, sessionId, code(appId, sessionId, generation, length));
    return MessageDigest.isEqual(expected, submittedMac);
  }
}
