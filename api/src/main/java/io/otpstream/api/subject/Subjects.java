package io.otpstream.api.subject;

import io.otpstream.common.secret.Secrets;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;

/**
 * A subject is who a session is for: an app and its normalised primary destination (E.164 phone,
 * else the canonical mailbox of the email, see {@link Mailboxes}). Topics and stores key by an
 * opaque subject id, a keyed hash of that pair, so keys and tokens carry no readable phone or email
 * and the audit tool can still find a subject's timeline from its phone or email.
 */
public final class Subjects {
  /** The digits a number block leaves out: a block is 100 consecutive numbers. */
  public static final int BLOCK_DIGITS = 2;

  private final byte[] key;

  public Subjects(Secrets secrets) {
    this.key = secrets.subjectKey();
  }

  /** The subject of a normalised destination: an E.164 phone number or an email address. */
  public String subjectId(String appId, String normalisedDestination) {
    String identity =
        normalisedDestination.indexOf('@') >= 0
            ? Mailboxes.canonical(normalisedDestination)
            : normalisedDestination;
    return "sub_" + hash(appId + "\u0000" + identity);
  }

  /**
   * The number block of an E.164 phone number: the app and the number without its last {@value
   * #BLOCK_DIGITS} digits, so the 100 numbers {@code +4479000000..+4479000099} share one block (the
   * sends_per_number_block rule), as a keyed hash like a subject.
   */
  public String numberBlockId(String appId, String e164) {
    String block = e164.substring(0, Math.max(1, e164.length() - BLOCK_DIGITS));
    return "blk_" + hash(appId + "\u0000block\u0000" + block);
  }

  private String hash(String text) {
    byte[] h = Secrets.hmac(key, text.getBytes(StandardCharsets.UTF_8));
    return Base64.getUrlEncoder().withoutPadding().encodeToString(Arrays.copyOf(h, 18));
  }
}
