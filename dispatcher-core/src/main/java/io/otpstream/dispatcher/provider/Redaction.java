package io.otpstream.dispatcher.provider;

import java.util.regex.Pattern;

/**
 * Takes the personal data and secrets out of a provider's error text before it is logged or copied
 * into a DeliveryStatus (and from there into the audit log): a mail server quotes the refused
 * address, an SMS API may echo the number, the message or the credentials it was given. What stays
 * is what an operator needs: the provider's status codes (SMTP {@code 550 5.1.1}, HTTP {@code
 * 503}), the words of its answer and the domain of an email address.
 *
 * <ul>
 *   <li>an email address keeps its domain: {@code ada@example.com} is {@code ***@example.com};
 *   <li>a phone number ({@code +} and digits, spaces, dots, dashes, brackets) is {@code [phone]};
 *   <li>any other run of 4 or more digits (a code, a number without its {@code +}, an id) is {@code
 *       [digits]};
 *   <li>an API key ({@code sk_live_…}, {@code sk_test_…}), a bearer credential and a JWT are {@code
 *       [secret]}.
 * </ul>
 */
public final class Redaction {
  private static final Pattern SECRET =
      Pattern.compile(
          "(?i)(?:\\b(?:sk_(?:live|test)_|mk_)[A-Za-z0-9_\\-]+"
              + "|(?<=\\b(?:bearer|basic)\\s)[^\\s,;\"']+"
              + "|\\beyJ[A-Za-z0-9_\\-]+\\.[A-Za-z0-9_\\-]+\\.[A-Za-z0-9_\\-]*)");
  private static final Pattern EMAIL =
      Pattern.compile("[^\\s<>\"'(),;:\\[\\]@]+@([A-Za-z0-9](?:[A-Za-z0-9.\\-]*[A-Za-z0-9])?)");
  private static final Pattern PHONE = Pattern.compile("\\+\\s?\\d(?:[\\d\\s().\\-]*\\d)?");
  private static final Pattern DIGITS = Pattern.compile("\\d{4,}");

  private Redaction() {}

  /** {@code text} without addresses, numbers, codes, keys or tokens; null stays null. */
  public static String redact(String text) {
    if (text == null) {
      return null;
    }
    String out = SECRET.matcher(text).replaceAll("[secret]");
    out = EMAIL.matcher(out).replaceAll("***@$1");
    out = PHONE.matcher(out).replaceAll("[phone]");
    return DIGITS.matcher(out).replaceAll("[digits]");
  }
}
