package io.otpstream.common.webhook;

import io.otpstream.common.secret.Secrets;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Webhook signing secrets: generated in the Standard Webhooks form {@code whsec_<base64 of 32
 * random bytes>}, shown once to the app, and kept on {@code otp.apps} only sealed (AES-256-GCM
 * under a key derived from the master secret for this purpose, bound to app and subscription, with
 * a random nonce), so the webhook dispatcher can sign while no topic holds a secret in clear.
 * Sealed values read {@code whs1.<base64url(nonce | ciphertext)>}.
 */
public final class WebhookSecrets {
  public static final String PREFIX = "whsec_";
  private static final String SEALED = "whs1.";
  private static final int SECRET_BYTES = 32;
  private static final int NONCE_BYTES = 12;
  private static final int TAG_BITS = 128;

  private final SecretKeySpec key;

  public WebhookSecrets(Secrets secrets) {
    this.key = new SecretKeySpec(secrets.derive("webhook-secret"), "AES");
  }

  /** A new signing secret, {@code whsec_} and the base64 of 32 random bytes. */
  public static String generate() {
    return PREFIX + Base64.getEncoder().encodeToString(Secrets.randomBytes(SECRET_BYTES));
  }

  /** The key bytes of a {@code whsec_…} secret: the base64 after the prefix, decoded. */
  public static byte[] keyBytes(String secret) {
    String s = secret.startsWith(PREFIX) ? secret.substring(PREFIX.length()) : secret;
    return Base64.getDecoder().decode(s);
  }

  public String seal(String appId, String subscriptionId, String secret) {
    try {
      byte[] nonce = Secrets.randomBytes(NONCE_BYTES);
      Cipher c = cipher(Cipher.ENCRYPT_MODE, appId, subscriptionId, nonce, 0);
      byte[] sealed = c.doFinal(secret.getBytes(StandardCharsets.UTF_8));
      byte[] out = ByteBuffer.allocate(NONCE_BYTES + sealed.length).put(nonce).put(sealed).array();
      return SEALED + Base64.getUrlEncoder().withoutPadding().encodeToString(out);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM unavailable", e);
    }
  }

  /**
   * The secret a sealed value holds.
   *
   * @throws IllegalArgumentException when it was sealed for another subscription, under another
   *     master secret, or altered
   */
  public String open(String appId, String subscriptionId, String sealed) {
    if (sealed == null || !sealed.startsWith(SEALED)) {
      throw new IllegalArgumentException("not a sealed webhook secret");
    }
    try {
      byte[] in = Base64.getUrlDecoder().decode(sealed.substring(SEALED.length()));
      if (in.length <= NONCE_BYTES) {
        throw new IllegalArgumentException("a sealed webhook secret is too short");
      }
      Cipher c = cipher(Cipher.DECRYPT_MODE, appId, subscriptionId, in, 0);
      return new String(
          c.doFinal(in, NONCE_BYTES, in.length - NONCE_BYTES), StandardCharsets.UTF_8);
    } catch (AEADBadTagException e) {
      throw new IllegalArgumentException(
          "a sealed webhook secret does not open with this secret and subscription", e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM unavailable", e);
    }
  }

  private Cipher cipher(int mode, String appId, String subscriptionId, byte[] nonce, int offset)
      throws GeneralSecurityException {
    Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
    c.init(mode, key, new GCMParameterSpec(TAG_BITS, nonce, offset, NONCE_BYTES));
    c.updateAAD((appId + "/" + subscriptionId).getBytes(StandardCharsets.UTF_8));
    return c;
  }
}
