package io.otpstream.api.subject;

import java.util.Locale;
import java.util.Set;

/**
 * The mailbox an email address reaches, for counting limits: {@code Ada+promo@Example.com} and
 * {@code ada@example.com} are one subject, so plus-tags cannot make new subjects of one inbox. The
 * message still goes to the address as given. Dots are ignored only where the provider ignores them
 * (Gmail).
 */
public final class Mailboxes {
  private static final Set<String> DOTLESS = Set.of("gmail.com", "googlemail.com");

  private Mailboxes() {}

  /**
   * The canonical mailbox of a syntactically valid address: lower case, no +tag, Gmail without
   * dots.
   */
  public static String canonical(String email) {
    String lower = email.strip().toLowerCase(Locale.ROOT);
    int at = lower.lastIndexOf('@');
    if (at <= 0) {
      return lower;
    }
    String local = lower.substring(0, at);
    String domain = lower.substring(at + 1);
    int plus = local.indexOf('+');
    if (plus > 0) {
      local = local.substring(0, plus);
    }
    if (DOTLESS.contains(domain)) {
      local = local.replace(".", "");
      domain = "gmail.com";
    }
    return local.isEmpty() ? lower : local + "@" + domain;
  }
}
