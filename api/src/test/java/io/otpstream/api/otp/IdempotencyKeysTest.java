package io.otpstream.api.otp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.otpstream.common.secret.Secrets;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * The hash an Idempotency-Key request's id derives from: shared by its repeats, by nothing else.
 */
class IdempotencyKeysTest {
  private static final byte[] BODY = "{\"session_token\":\"t\"}".getBytes(StandardCharsets.UTF_8);
  private final IdempotencyKeys keys = new IdempotencyKeys(secrets((byte) 1));

  private static Secrets secrets(byte fill) {
    byte[] master = new byte[32];
    Arrays.fill(master, fill);
    return new Secrets(master);
  }

  private String hash(String appId, String mode, String operation, String key, byte[] body) {
    return keys.requestHash(appId, mode, operation, key, body);
  }

  @Test
  void a_repeat_with_the_same_key_and_body_gets_the_same_hash_of_32_hex_digits() {
    String first = hash("app-1", "LIVE", "resend", "k-1", BODY);
    assertEquals(first, hash("app-1", "LIVE", "resend", "k-1", BODY.clone()));
    assertTrue(first.matches("[0-9a-f]{32}"), first);
  }

  @Test
  void another_body_operation_key_mode_app_or_key_is_another_request() {
    String first = hash("app-1", "LIVE", "resend", "k-1", BODY);
    assertNotEquals(
        first, hash("app-1", "LIVE", "resend", "k-1", "{}".getBytes(StandardCharsets.UTF_8)));
    assertNotEquals(first, hash("app-1", "LIVE", "verify", "k-1", BODY));
    assertNotEquals(first, hash("app-1", "TEST", "resend", "k-1", BODY));
    assertNotEquals(first, hash("app-2", "LIVE", "resend", "k-1", BODY));
    assertNotEquals(first, hash("app-1", "LIVE", "resend", "k-2", BODY));
  }

  @Test
  void the_hash_is_keyed_by_the_master_secret() {
    assertNotEquals(
        hash("app-1", "LIVE", "resend", "k-1", BODY),
        new IdempotencyKeys(secrets((byte) 2)).requestHash("app-1", "LIVE", "resend", "k-1", BODY));
  }
}
