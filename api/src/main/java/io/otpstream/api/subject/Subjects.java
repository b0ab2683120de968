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
    byte[] h = Secrets.hmac(key, (appId + "\u0000" + identity).getBytes(StandardCharsets.UTF_8));
    return "sub_" + Base64.getUrlEncoder().withoutPadding().encodeToString(Arrays.copyOf(h, 18));
  }
}
