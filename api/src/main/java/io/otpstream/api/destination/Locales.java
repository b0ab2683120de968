package io.otpstream.api.destination;

import io.otpstream.api.errors.Refusal;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The locale and template a message is written in: validated, lower-cased language tags ({@code
 * fr}, {@code pt-br}).
 */
public final class Locales {
  private static final Pattern TAG = Pattern.compile("[a-z]{2,3}(-[a-z0-9]{2,8})?");
  private static final Pattern TEMPLATE_ID = Pattern.compile("[A-Za-z0-9_.:-]{1,64}");

  private Locales() {}

  /** A requested locale, or null; a malformed one is a 400. */
  public static String locale(String raw) {
    if (raw == null) {
      return null;
    }
    String tag = raw.strip().replace('_', '-').toLowerCase(Locale.ROOT);
    if (!TAG.matcher(tag).matches()) {
      throw Refusal.badRequest("locale must be a language tag such as en, fr or pt-BR");
    }
    return tag;
  }

  public static String templateId(String raw) {
    if (raw != null && !TEMPLATE_ID.matcher(raw).matches()) {
      throw Refusal.badRequest("template_id must be 1 to 64 of letters, digits and _ . : -");
    }
    return raw;
  }

  /**
   * The browser's first preferred language that is a well-formed tag, or null (never an error: it
   * is a hint).
   */
  public static String fromAcceptLanguage(String header) {
    if (header == null || header.length() > 200) {
      return null;
    }
    try {
      List<Locale.LanguageRange> ranges = Locale.LanguageRange.parse(header);
      for (Locale.LanguageRange r : ranges) {
        String tag = r.getRange().toLowerCase(Locale.ROOT);
        if (TAG.matcher(tag).matches()) {
          return tag;
        }
      }
    } catch (IllegalArgumentException e) {
      // a malformed header is no preference
    }
    return null;
  }
}
