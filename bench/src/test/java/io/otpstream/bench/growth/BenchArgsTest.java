package io.otpstream.bench.growth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class BenchArgsTest {
  @Test
  void arguments_given_as_one_word_are_split_like_separate_ones() {
    BenchArgs a = BenchArgs.parse("sizes=10,20 rate=5", "seconds=3");
    assertEquals("10,20", a.get("sizes", "x"));
    assertEquals("5", a.get("rate", "x"));
    assertEquals("3", a.get("seconds", "x"));
  }

  @Test
  void a_missing_argument_takes_its_default() {
    assertEquals("50", BenchArgs.parse(" ").get("rate", "50"));
  }

  @Test
  void an_argument_without_a_name_is_refused() {
    assertThrows(IllegalArgumentException.class, () -> BenchArgs.parse("10000"));
  }
}
