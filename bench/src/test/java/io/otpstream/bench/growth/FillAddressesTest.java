package io.otpstream.bench.growth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FillAddressesTest {
  @Test
  void the_first_address_does_not_end_in_zero() {
    assertEquals("10.0.0.1", FillAddresses.of(0));
  }

  @Test
  void consecutive_numbers_carry_into_the_next_octet() {
    assertEquals("10.0.1.0", FillAddresses.of(255));
    assertEquals("10.1.0.0", FillAddresses.of(65_535));
  }

  @Test
  void distinct_numbers_give_distinct_addresses() {
    Set<String> seen = new HashSet<>();
    for (long n = 0; n < 300_000; n += 7) {
      seen.add(FillAddresses.of(n));
    }
    assertEquals(300_000 / 7 + 1, seen.size());
  }

  @Test
  void a_number_past_the_range_is_refused() {
    assertThrows(IllegalArgumentException.class, () -> FillAddresses.of(1L << 24));
  }
}
