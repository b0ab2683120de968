package io.otpstream.common.secret;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The installation's master secret and the purpose-bound keys derived from it (HMAC-SHA256(master,
 * purpose)). Every service of one installation is given the same master secret ({@code
 * OTP_SECRET}); no derived key is ever written to a topic or a store.
 */
public final class Secrets {
  private static final SecureRandom RANDOM = new SecureRandom();
  private final byte[] master;

  public Secrets(byte[] master) {
    if (master.length < 32) {
      throw new IllegalArgumentException("the master secret must be at least 32 bytes");
    }
    this.master = master.clone();
  }

  /** Reads a base64 (or base64url) master secret, as written by {@link #generate()}. */
  public static Secrets fromBase64(String encoded) {
    String s = encoded.strip();
    return new Secrets(
        s.contains("-") || s.contains("_")
            ? Base64.getUrlDecoder().decode(s)
            : Base64.getDecoder().decode(s));
  }

  public static String generate() {
    return Base64.getEncoder().encodeToString(randomBytes(32));
  }

  /** Key that derives an app's codes. */
  public byte[] codeKey(String appId) {
    return derive("code|" + appId);
  }

  /** Key the api MACs submitted codes with, and the processor MACs expected codes with. */
  public byte[] checkKey(String appId) {
    return derive("check|" + appId);
  }

  /** Key of the opaque subject ids. */
  public byte[] subjectKey() {
    return derive("subject");
  }

  /** Key that signs session tokens. */
  public byte[] sessionTokenKey() {
    return derive("session-token");
  }

  public byte[] derive(String purpose) {
    return hmac(master, purpose.getBytes(StandardCharsets.UTF_8));
  }

  public static byte[] hmac(byte[] key, byte[] message) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(message);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 unavailable", e);
    }
  }

  /** SHA-256 in lower-case hex: how API and management keys are stored. */
  public static String sha256Hex(String value) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("SHA-256 unavailable", e);
    }
  }

  public static byte[] randomBytes(int n) {
    byte[] b = new byte[n];
    RANDOM.nextBytes(b);
    return b;
  }

  /** A random token with a readable prefix, e.g. {@code sk_live_...}. */
  public static String randomKey(String prefix) {
    return prefix + Base64.getUrlEncoder().withoutPadding().encodeToString(randomBytes(24));
  }
}
