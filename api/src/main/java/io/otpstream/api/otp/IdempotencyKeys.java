package io.otpstream.api.otp;

import io.javalin.http.Context;
import io.otpstream.api.errors.Refusal;
import io.otpstream.common.secret.Secrets;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * {@code Idempotency-Key}: a request carrying one gets a request id derived from (app, operation,
 * key, body), so its repeats reach the processor as the same request and get the first decision
 * back. A key reused with another body is another request. Keys are kept 24 hours.
 */
public final class IdempotencyKeys {
  public static final String HEADER = "Idempotency-Key";
  private static final Pattern VALID = Pattern.compile("^[\\x21-\\x7E]{1,255}$");
  private final byte[] key;

  public IdempotencyKeys(Secrets secrets) {
    this.key = secrets.derive("idempotency");
  }

  /** The header's value; empty when absent, a 400 when malformed. */
  static Optional<String> of(Context ctx) {
    String v = ctx.header(HEADER);
    if (v == null) {
      return Optional.empty();
    }
    if (!VALID.matcher(v).matches()) {
      throw Refusal.badRequest("Idempotency-Key must be 1 to 255 visible ASCII characters");
    }
    return Optional.of(v);
  }

  /**
   * A stable id (hex) for (app, key mode, operation, key, body): a sandbox key never shares a live
   * key's answers.
   */
  public String requestHash(
      String appId, String keyMode, String operation, String idempotencyKey, byte[] body) {
    try {
      byte[] bodyHash = MessageDigest.getInstance("SHA-256").digest(body);
      String material =
          appId
              + "\u0000"
              + keyMode
              + "\u0000"
              + operation
              + "\u0000"
              + idempotencyKey
              + "\u0000"
              + HexFormat.of().formatHex(bodyHash);
      return HexFormat.of()
          .formatHex(Secrets.hmac(key, material.getBytes(StandardCharsets.UTF_8)))
          .substring(0, 32);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
