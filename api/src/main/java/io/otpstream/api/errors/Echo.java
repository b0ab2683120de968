package io.otpstream.api.errors;

/**
 * A client's input made fit to quote in an error message: printable ASCII only, cut at {@code max}
 * characters.
 */
public final class Echo {
  private Echo() {}

  public static String of(String s, int max) {
    String clean = s == null ? "" : s.replaceAll("[^\\x20-\\x7e]", "?");
    return clean.length() > max ? clean.substring(0, max) + "…" : clean;
  }
}
