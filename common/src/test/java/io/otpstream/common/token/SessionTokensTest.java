package io.otpstream.common.token;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.otpstream.common.secret.Secrets;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class SessionTokensTest {
  private final SessionTokens tokens = new SessionTokens(new Secrets(new byte[32]));
  private final SessionToken token = new SessionToken("app_1", "sub_abc", "ses_1", java.util.List.of("sms", "email"));

  @Test
  void a_signed_token_verifies_to_its_content() {
    String t = tokens.sign(token, Instant.now());
    assertTrue(t.startsWith("eyJ"), t);
    assertEquals(token, tokens.verify(t).orElseThrow());
  }

  @Test
  void a_tampered_forged_or_foreign_token_is_refused() {
    String t = tokens.sign(token, Instant.now());
    String[] parts = t.split("\\.");
    String payload = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8).replace("ses_1", "ses_2");
    String tampered = parts[0] + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(payload.getBytes(StandardCharsets.UTF_8)) + "." + parts[2];
    assertFalse(tokens.verify(tampered).isPresent());
    byte[] otherKey = new byte[32];
    otherKey[31] = 7;
    assertFalse(tokens.verify(new SessionTokens(new Secrets(otherKey)).sign(token, Instant.now())).isPresent());
    assertFalse(tokens.verify("not-a-token").isPresent());
    assertFalse(tokens.verify("").isPresent());
    assertFalse(tokens.verify(null).isPresent());
    assertFalse(tokens.verify(parts[0] + "." + parts[1] + ".").isPresent());
  }

  @Test
  void the_token_carries_no_destination() {
    String t = tokens.sign(token, Instant.now());
    String payload = new String(Base64.getUrlDecoder().decode(t.split("\\.")[1]), StandardCharsets.UTF_8);
    assertFalse(payload.contains("@") || payload.contains("+"), payload);
  }
}
