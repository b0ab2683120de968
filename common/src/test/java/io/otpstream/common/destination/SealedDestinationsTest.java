package io.otpstream.common.destination;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.otpstream.common.secret.Secrets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * Destinations sealed for the dispatchers: unreadable without the secret, bound to their app, never
 * alike twice.
 */
class SealedDestinationsTest {
  private final SealedDestinations sealed = new SealedDestinations(new Secrets(new byte[32]));

  @Test
  void a_sealed_destination_opens_to_what_was_sealed_and_shows_nothing_of_it() {
    String s = sealed.seal("app-1", "+33612345678");

    assertTrue(s.startsWith("dst1."), s);
    assertFalse(s.contains("33612345678"));
    assertEquals("+33612345678", sealed.open("app-1", s));
  }

  @Test
  void sealing_twice_gives_two_different_values() {
    assertNotEquals(
        sealed.seal("app-1", "ada@example.com"), sealed.seal("app-1", "ada@example.com"));
  }

  @Test
  void it_does_not_open_for_another_app_another_secret_or_after_a_change() {
    String s = sealed.seal("app-1", "ada@example.com");
    byte[] other = new byte[32];
    Arrays.fill(other, (byte) 1);
    // flip one bit of the ciphertext itself (a base64 character can differ only in bits decoding
    // drops)
    byte[] raw = java.util.Base64.getUrlDecoder().decode(s.substring("dst1.".length()));
    raw[raw.length / 2] ^= 1;
    String altered =
        "dst1." + java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(raw);

    assertThrows(IllegalArgumentException.class, () -> sealed.open("app-2", s));
    assertThrows(
        IllegalArgumentException.class,
        () -> new SealedDestinations(new Secrets(other)).open("app-1", s));
    assertThrows(IllegalArgumentException.class, () -> sealed.open("app-1", altered));
    assertThrows(IllegalArgumentException.class, () -> sealed.open("app-1", "dst1.AAAA"));
  }

  @Test
  void a_destination_recorded_in_clear_by_an_older_version_reads_as_it_is() {
    assertEquals("+33612345678", sealed.open("app-1", "+33612345678"));
    assertNull(sealed.seal("app-1", null));
    assertNull(sealed.open("app-1", null));
  }
}
