package io.otpstream.e2e.secrecy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One OTP code and every way a record or a log line could hold it: as a run of digits in text
 * (ASCII or any script's decimal digits, in Latin-1, UTF-8 or UTF-16), in base64 at any alignment
 * (a token or an encoded blob), or as a number.
 *
 * <p>In text the code counts when it is not part of a longer number, once the random ids (UUIDs,
 * hex ids and hashes of 16 characters or more) and ISO-8601 times are blanked out: those hold
 * six-digit runs by chance, often enough to fail about one run of a scan in a hundred. As a number
 * it counts when it is above {@link #NUMBER_FLOOR} and not a whole number of thousands: below, and
 * in steps of 1,000, it cannot be told from a count, a window in seconds or a window in
 * milliseconds (about one code in ten; its digits are still matched in every text).
 */
final class Digits {
  /**
   * The largest count or window (in seconds) the tested settings carry: the failed-checks ceiling's
   * day.
   */
  static final long NUMBER_FLOOR = 86_400;

  private static final Pattern RANDOM =
      Pattern.compile(
          "[0-9a-fA-F]{8}(-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}|[0-9a-fA-F]{16,}"
              + "|\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}(:\\d{2}(\\.\\d+)?)?Z?");

  private final String code;
  private final Pattern token;
  private final List<String> base64;
  private final byte[] utf16le;
  private final byte[] utf16be;
  private final long number;

  Digits(String code) {
    if (!code.chars().allMatch(c -> c >= '0' && c <= '9')) {
      throw new IllegalArgumentException("not a code: " + code);
    }
    this.code = code;
    this.token = Pattern.compile("(?<![0-9])" + code + "(?![0-9])");
    this.base64 = base64Forms(code.getBytes(StandardCharsets.US_ASCII));
    this.utf16le = code.getBytes(StandardCharsets.UTF_16LE);
    this.utf16be = code.getBytes(StandardCharsets.UTF_16BE);
    this.number = Long.parseLong(code);
  }

  String code() {
    return code;
  }

  /** How {@code text} holds the code: {@code digits}, {@code base64}, or nothing. */
  List<String> inText(String text) {
    List<String> found = new ArrayList<>(2);
    if (token.matcher(RANDOM.matcher(asciiDigits(text)).replaceAll(" ")).find()) {
      found.add("digits");
    }
    if (base64.stream().anyMatch(text::contains)) {
      found.add("base64");
    }
    return found;
  }

  /** How raw bytes hold the code, read as Latin-1, UTF-8, UTF-16LE and UTF-16BE. */
  List<String> inBytes(byte[] bytes) {
    Set<String> found = new LinkedHashSet<>();
    inText(new String(bytes, StandardCharsets.ISO_8859_1))
        .forEach(f -> found.add(f + " (latin-1)"));
    inText(new String(bytes, StandardCharsets.UTF_8)).forEach(f -> found.add(f + " (utf-8)"));
    if (indexOf(bytes, utf16le) >= 0) {
      found.add("utf-16le");
    }
    if (indexOf(bytes, utf16be) >= 0) {
      found.add("utf-16be");
    }
    return List.copyOf(found);
  }

  /** Is {@code value} the code as a number (see the class comment for when that can be told)? */
  boolean isNumber(long value) {
    return numberTellable() && value == number;
  }

  boolean numberTellable() {
    return number > NUMBER_FLOOR && number % 1000 != 0;
  }

  /** Every decimal digit (Arabic-Indic, full-width, ...) as its ASCII digit. */
  static String asciiDigits(String text) {
    StringBuilder out = new StringBuilder(text.length());
    text.codePoints()
        .forEach(
            cp -> {
              if (cp > 0x7f && Character.getType(cp) == Character.DECIMAL_DIGIT_NUMBER) {
                out.append((char) ('0' + Character.digit(cp, 10)));
              } else {
                out.appendCodePoint(cp);
              }
            });
    return out.toString();
  }

  /**
   * The base64 characters (standard and URL alphabets) that depend on the code's bytes alone, for
   * the code starting at each of the three offsets of a base64 group.
   */
  static List<String> base64Forms(byte[] code) {
    List<String> forms = new ArrayList<>();
    for (int offset = 0; offset < 3; offset++) {
      byte[] padded = new byte[offset + code.length + 2];
      System.arraycopy(code, 0, padded, offset, code.length);
      String encoded = Base64.getEncoder().withoutPadding().encodeToString(padded);
      int first = (8 * offset + 5) / 6;
      int end = (8 * (offset + code.length)) / 6;
      String inner = encoded.substring(first, end);
      forms.add(inner);
      forms.add(inner.replace('+', '-').replace('/', '_'));
    }
    return forms.stream().distinct().toList();
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
