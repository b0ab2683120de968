package io.otpstream.api.management;

import io.otpstream.common.secret.Secrets;

/** Random ids in the Prelude style ({@code lcfg_} + 26 base32 characters) and safe echoes of user input. */
final class Ids {
  private static final char[] BASE32 = "0123456789abcdefghjkmnpqrstvwxyz".toCharArray();

  private Ids() {
  }

  static String random26() {
    byte[] r = Secrets.randomBytes(26);
    StringBuilder b = new StringBuilder(26);
    for (byte x : r) {
      b.append(BASE32[(x & 0xff) % 32]);
    }
    return b.toString();
  }

  /** User input fit to quote in an error message: printable ASCII, at most 64 characters. */
  static String clip(String s) {
    String clean = s == null ? "" : s.replaceAll("[^\\x20-\\x7e]", "?");
    return clean.length() > 64 ? clean.substring(0, 64) + "…" : clean;
  }
}
