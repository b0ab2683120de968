package io.otpstream.common.code;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.otpstream.common.secret.Secrets;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * Codes are uniform over the 10^N values of every length. The master secret is fixed, so each run
 * sees the same codes: the margins are 5 binomial standard deviations (sigma = sqrt(n p (1 - p)))
 * around the uniform share, so the checks say "uniform" rather than "this secret was lucky", while
 * the modulo bias of a 31-bit truncation lies well outside them.
 */
class OtpCodesDistributionTest {
  private static final OtpCodes CODES = new OtpCodes(new Secrets(fixedSecret()));

  private static byte[] fixedSecret() {
    byte[] b = new byte[32];
    for (int i = 0; i < b.length; i++) {
      b[i] = (byte) (i * 7 + 3);
    }
    return b;
  }

  /**
   * Share of n codes (sessions s-0 .. s-(n-1), generation 0) whose value is below {@code
   * threshold}.
   */
  private static double shareBelow(int length, long threshold, int n) {
    int below = 0;
    for (int i = 0; i < n; i++) {
      if (Long.parseLong(CODES.code("app", "s-" + i, 0, length)) < threshold) {
        below++;
      }
    }
    return (double) below / n;
  }

  private static void assertShare(double expected, double actual, int n, String what) {
    double sigma = Math.sqrt(expected * (1 - expected) / n);
    assertTrue(
        Math.abs(actual - expected) < 5 * sigma,
        what + ": " + actual + ", uniform " + expected + " ± " + 5 * sigma + " (5 sigma)");
  }

  @Test
  void nine_digit_codes_below_2_pow_31_mod_10_pow_9_are_no_likelier_than_the_rest() {
    // 2^31 mod 10^9 = 147,483,648. Uniform: 14.75 % of codes below it; a 31-bit value modulo 10^9
    // gives 20.6 %.
    // n = 20,000: sigma = 0.25 %, margin 1.25 %; the modulo share is 23 sigma off.
    int n = 20_000;
    assertShare(
        0.147_483_648, shareBelow(9, 147_483_648L, n), n, "share of 9-digit codes below 147483648");
  }

  @Test
  void eight_digit_codes_below_2_pow_31_mod_10_pow_8_are_no_likelier_than_the_rest() {
    // 2^31 mod 10^8 = 47,483,648. Uniform: 47.48 %; a 31-bit value modulo 10^8 gives 22/21 of it on
    // that range, 48.64 %.
    // n = 400,000: sigma = 0.079 %, margin 0.39 %; the modulo share is 14.7 sigma off.
    int n = 400_000;
    assertShare(
        0.474_836_48, shareBelow(8, 47_483_648L, n), n, "share of 8-digit codes below 47483648");
  }

  @Test
  void ten_digit_codes_cover_the_whole_range_evenly() {
    // The old 39-bit truncation modulo 10^10 is off by 1/54 on 2.4 % of the range: too small to see
    // here
    // (it needs millions of codes); this checks that the top of the range is reached as often as it
    // should be.
    // n = 20,000, p = 2.44 %: sigma = 0.11 %, margin 0.55 %.
    int n = 20_000;
    long top = 9_755_813_888L; // 2^39 mod 10^10
    assertShare(top / 1e10, shareBelow(10, top, n), n, "share of 10-digit codes below 9755813888");
  }

  @Test
  void a_bound_that_rejects_a_quarter_of_the_chunks_still_gives_uniform_deterministic_values() {
    // bound = 3 * 2^61: chunks at or above 2 * bound (a quarter) are rejected, and all four chunks
    // of an HMAC
    // in 1 of 256 messages, which then continue with the counter. Uniform: 2/3 of values below
    // 2^62; without the
    // rejection 3/4. n = 10,000: sigma = 0.47 %, margin 2.4 %; no rejection would be 18 sigma off.
    long bound = 3L << 61;
    long limit = bound << 1;
    byte[] key = new Secrets(fixedSecret()).codeKey("app");
    int n = 10_000;
    int below = 0;
    int continued = 0;
    for (int i = 0; i < n; i++) {
      byte[] message = ("r-" + i).getBytes(StandardCharsets.UTF_8);
      long value = OtpCodes.uniformBelow(key, message, bound);
      assertTrue(value >= 0 && value < bound, "value " + value + " out of [0, bound)");
      assertEquals(value, OtpCodes.uniformBelow(key, message, bound), "deterministic");
      below += value < 1L << 62 ? 1 : 0;
      ByteBuffer first = ByteBuffer.wrap(Secrets.hmac(key, message));
      boolean allRejected = true;
      while (first.hasRemaining()) {
        allRejected &= Long.compareUnsigned(first.getLong(), limit) >= 0;
      }
      continued += allRejected ? 1 : 0;
    }
    assertTrue(continued > 0, "no message needed the counter; the test does not reach that path");
    assertShare(2.0 / 3, (double) below / n, n, "share of values below 2^62");
  }

  @Test
  void every_digit_position_is_uniform_for_every_length() {
    // n = 20,000 codes per length: each digit is expected 2,000 times at each position, sigma =
    // sqrt(n 0.1 0.9) = 42.4,
    // margin 5 sigma = 212. A 31-bit value modulo 10^9 puts a 0 first in 14 % of 9-digit codes (19
    // sigma off).
    int n = 20_000;
    double sigma = Math.sqrt(n * 0.1 * 0.9);
    for (int length = OtpCodes.MIN_LENGTH; length <= OtpCodes.MAX_LENGTH; length++) {
      int[][] counts = new int[length][10];
      for (int i = 0; i < n; i++) {
        String code = CODES.code("app", "d-" + i, 0, length);
        assertEquals(length, code.length());
        for (int p = 0; p < length; p++) {
          counts[p][code.charAt(p) - '0']++;
        }
      }
      for (int p = 0; p < length; p++) {
        for (int d = 0; d < 10; d++) {
          assertTrue(
              Math.abs(counts[p][d] - n / 10.0) < 5 * sigma,
              "length "
                  + length
                  + ", position "
                  + p
                  + ": digit "
                  + d
                  + " seen "
                  + counts[p][d]
                  + " times, expected "
                  + n / 10
                  + " ± "
                  + Math.round(5 * sigma));
        }
      }
    }
  }
}
