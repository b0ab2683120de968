package io.otpstream.common.destination;

import io.otpstream.common.secret.Secrets;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Phone numbers and email addresses on their way to a dispatcher, sealed: AES-256-GCM under a key
 * derived from the master secret, bound to the app, with a random nonce. The api seals a
 * destination once; the processor keeps and forwards it without reading it; only a dispatcher opens
 * it, just before sending. So the command, session and delivery topics hold no destination a reader
 * of the cluster can use, and rotating the master secret makes every recorded one unreadable.
 * Sealed values read {@code dst1.<base64url(nonce | ciphertext)>}; a value without the prefix was
 * written in clear by an older version and is returned as it is.
 */
public final class SealedDestinations {
  public static final String PREFIX = "dst1.";
  private static final int NONCE_BYTES = 12;
  private static final int TAG_BITS = 128;

  private final SecretKeySpec key;

  public SealedDestinations(Secrets secrets) {
    this.key = new SecretKeySpec(secrets.derive("destination"), "AES");
  }

  public static boolean isSealed(String value) {
    return value != null && value.startsWith(PREFIX);
  }

  /** The sealed form of {@code destination} for {@code appId}; null stays null. */
  public String seal(String appId, String destination) {
    if (destination == null) {
      return null;
    }
    try {
      byte[] nonce = Secrets.randomBytes(NONCE_BYTES);
      Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
      c.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
      c.updateAAD(appId.getBytes(StandardCharsets.UTF_8));
      byte[] sealed = c.doFinal(destination.getBytes(StandardCharsets.UTF_8));
      byte[] out = ByteBuffer.allocate(NONCE_BYTES + sealed.length).put(nonce).put(sealed).array();
      return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(out);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM unavailable", e);
    }
  }

  /**
   * The destination a sealed value holds (a clear value of an older record as it is).
   *
   * @throws IllegalArgumentException when the value was sealed for another app, under another
   *     master secret, or altered
   */
  public String open(String appId, String value) {
    if (!isSealed(value)) {
      return value;
    }
    try {
      byte[] in = Base64.getUrlDecoder().decode(value.substring(PREFIX.length()));
      if (in.length <= NONCE_BYTES) {
        throw new IllegalArgumentException("a sealed destination is too short");
      }
      Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
      c.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, in, 0, NONCE_BYTES));
      c.updateAAD(appId.getBytes(StandardCharsets.UTF_8));
      return new String(
          c.doFinal(in, NONCE_BYTES, in.length - NONCE_BYTES), StandardCharsets.UTF_8);
    } catch (javax.crypto.AEADBadTagException e) {
      throw new IllegalArgumentException(
          "a sealed destination does not open with this secret and app", e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM unavailable", e);
    }
  }
}
