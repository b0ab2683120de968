package io.otpstream.dispatcher.sms.smpp;

import java.util.Arrays;

/**
 * The GSM 03.38 (3GPP TS 23.038) default alphabet and its extension table, in SMPP's unpacked form:
 * one septet per octet, an extension character as the escape {@code 0x1B} followed by its code.
 * jSMPP 3.0.2 carries the data_coding values but no GSM charset, hence this table.
 */
final class GsmAlphabet {
  /** The basic table: the character at index i has code i; 0x1B is the escape and never matches. */
  private static final String BASIC =
      "@\u00a3$\u00a5\u00e8\u00e9\u00f9\u00ec\u00f2\u00c7\n\u00d8\u00f8\r\u00c5\u00e5"
          + "\u0394_\u03a6\u0393\u039b\u03a9\u03a0\u03a8\u03a3\u0398\u039e\uffff\u00c6\u00e6\u00df\u00c9"
          + " !\"#\u00a4%&'()*+,-./0123456789:;<=>?"
          + "\u00a1ABCDEFGHIJKLMNOPQRSTUVWXYZ\u00c4\u00d6\u00d1\u00dc\u00a7"
          + "\u00bfabcdefghijklmnopqrstuvwxyz\u00e4\u00f6\u00f1\u00fc\u00e0";

  private static final byte ESCAPE = 0x1B;
  private static final String EXTENSION_CHARS = "\f^{}\\[~]|\u20ac";
  private static final byte[] EXTENSION_CODES = {
    0x0A, 0x14, 0x28, 0x29, 0x2F, 0x3C, 0x3D, 0x3E, 0x40, 0x65
  };

  static {
    if (BASIC.length() != 128) {
      throw new ExceptionInInitializerError("GSM basic table has " + BASIC.length() + " entries");
    }
  }

  private GsmAlphabet() {}

  /** The text's septets, one per octet, or null when a character is not in the default alphabet. */
  static byte[] encode(String text) {
    byte[] out = new byte[text.length() * 2];
    int n = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      int basic = c == '\uffff' ? -1 : BASIC.indexOf(c);
      if (basic >= 0) {
        out[n++] = (byte) basic;
        continue;
      }
      int ext = EXTENSION_CHARS.indexOf(c);
      if (ext < 0) {
        return null;
      }
      out[n++] = ESCAPE;
      out[n++] = EXTENSION_CODES[ext];
    }
    return Arrays.copyOf(out, n);
  }
}
