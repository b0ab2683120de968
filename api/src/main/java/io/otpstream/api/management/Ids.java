package io.otpstream.api.management;

import io.otpstream.common.secret.Secrets;

/** Random ids in the Prelude style ({@code lcfg_} + 26 base32 characters). */
final class Ids {
  private static final char[] BASE32 = "0123456789abcdefghjkmnpqrstvwxyz".toCharArray();

  private Ids() {}

  static String random26() {
    byte[] r = Secrets.randomBytes(26);
    StringBuilder b = new StringBuilder(26);
    for (byte x : r) {
      b.append(BASE32[(x & 0xff) % 32]);
    }
    return b.toString();
  }
}
