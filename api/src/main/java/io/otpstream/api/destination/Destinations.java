package io.otpstream.api.destination;

import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.Phonenumber.PhoneNumber;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Normalises destinations: E.164 phone numbers (libphonenumber) and lower-cased email addresses.
 */
public final class Destinations {
  public static final int MAX_EMAIL_LENGTH = 320;
  private static final PhoneNumberUtil PHONES = PhoneNumberUtil.getInstance();
  // local@domain.tld, no spaces or control characters, a dot in the domain; length checked apart.
  private static final Pattern EMAIL =
      Pattern.compile(
          "^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$");

  private Destinations() {}

  /** The E.164 form of a valid international number written with a leading '+', else empty. */
  public static Optional<String> phone(String raw) {
    if (raw == null || raw.length() > 32 || !raw.strip().startsWith("+")) {
      return Optional.empty();
    }
    try {
      PhoneNumber n = PHONES.parse(raw.strip(), "ZZ");
      if (!PHONES.isValidNumber(n)) {
        return Optional.empty();
      }
      return Optional.of(PHONES.format(n, PhoneNumberUtil.PhoneNumberFormat.E164));
    } catch (NumberParseException e) {
      return Optional.empty();
    }
  }

  /**
   * The lower-cased address of a syntactically valid email of at most 320 characters, else empty.
   */
  public static Optional<String> email(String raw) {
    if (raw == null || raw.length() > MAX_EMAIL_LENGTH) {
      return Optional.empty();
    }
    String s = raw.strip();
    return EMAIL.matcher(s).matches() ? Optional.of(s.toLowerCase(Locale.ROOT)) : Optional.empty();
  }
}
