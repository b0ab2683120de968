package io.otpstream.common.code;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.otpstream.common.secret.Secrets;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import org.junit.jupiter.api.Test;

class OtpCodesTest {
  private final OtpCodes codes = new OtpCodes(new Secrets(new byte[32]));

  @Test
  void same_session_and_generation_give_the_same_code_of_the_asked_length() {
    String c = codes.code("app", "s1", 0, 6);
    assertEquals(c, codes.code("app", "s1", 0, 6));
    assertTrue(c.matches("\\d{6}"), c);
    assertTrue(codes.code("app", "s1", 0, 4).matches("\\d{4}"));
    assertTrue(codes.code("app", "s1", 0, 10).matches("\\d{10}"));
  }

  @Test
  void a_new_generation_another_session_another_app_or_another_secret_give_other_codes() {
    Set<String> seen = new HashSet<>();
    seen.add(codes.code("app", "s1", 0, 8));
    seen.add(codes.code("app", "s1", 1, 8));
    seen.add(codes.code("app", "s2", 0, 8));
    seen.add(codes.code("other", "s1", 0, 8));
    byte[] other = new byte[32];
    other[0] = 1;
    seen.add(new OtpCodes(new Secrets(other)).code("app", "s1", 0, 8));
    assertEquals(5, seen.size());
  }

  @Test
  void codes_spread_over_the_digit_space() {
    Set<String> seen = new HashSet<>();
    for (int g = 0; g < 2000; g++) {
      seen.add(codes.code("app", "s", g, 4));
    }
    assertTrue(seen.size() > 1500, "only " + seen.size() + " distinct 4-digit codes in 2000");
  }

  @Test
  void a_check_mac_matches_only_the_right_code() {
    String right = codes.code("app", "s1", 3, 6);
    assertTrue(codes.matches("app", "s1", 3, 6, codes.checkMac("app", "s1", right)));
    String wrong = right.equals("000000") ? "000001" : "000000";
    assertFalse(codes.matches("app", "s1", 3, 6, codes.checkMac("app", "s1", wrong)));
    assertFalse(
        codes.matches("app", "s1", 4, 6, codes.checkMac("app", "s1", right)),
        "old generation must not match");
    assertNotEquals(right, codes.code("app", "s1", 4, 6));
  }

  @Test
  void lengths_outside_bounds_are_refused() {
    assertThrows(IllegalArgumentException.class, () -> codes.code("a", "s", 0, 3));
    assertThrows(IllegalArgumentException.class, () -> codes.code("a", "s", 0, 11));
  }

  @Test
  void codes_are_ascii_digits_whatever_the_default_locale() {
    Locale before = Locale.getDefault();
    try {
      for (String tag : new String[] {"ar-EG", "hi-IN-u-nu-deva", "fa-IR", "th-TH-u-nu-thai"}) {
        Locale.setDefault(Locale.forLanguageTag(tag));
        for (int length = OtpCodes.MIN_LENGTH; length <= OtpCodes.MAX_LENGTH; length++) {
          String c = codes.code("app", "s1", 0, length);
          assertTrue(c.matches("[0-9]{" + length + "}"), "default locale " + tag + ": code " + c);
        }
      }
    } finally {
      Locale.setDefault(before);
    }
  }
}
