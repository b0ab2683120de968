package io.otpstream.bench.growth;

/**
 * The client addresses the fill sends from: address {@code n} is a distinct IPv4 address in
 * 10.0.0.0/8 for n below 2^24 (16.7 million), counted from 10.0.0.1 so none ends in .0.
 */
public final class FillAddresses {
  private FillAddresses() {}

  public static String of(long n) {
    if (n < 0 || n >= (1L << 24) - 1) {
      throw new IllegalArgumentException("address number out of range: " + n);
    }
    long v = n + 1;
    return "10." + (v >> 16 & 255) + "." + (v >> 8 & 255) + "." + (v & 255);
  }
}
