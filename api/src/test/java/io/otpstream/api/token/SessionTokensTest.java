package io.otpstream.api.token;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.type.TypeReference;
import io.otpstream.api.subject.Subjects;
import io.otpstream.common.json.Json;
import io.otpstream.common.secret.Secrets;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SessionTokensTest {
  private static final String PHONE = "+33612345678";
  private static final String EMAIL = "jane.doe@example.com";
  private final Secrets secrets = new Secrets(new byte[32]);
  private final SessionTokens tokens = new SessionTokens(secrets);
  private final Subjects subjects = new Subjects(secrets);

  /**
   * What the api signs for a send to a phone and an email: the phone's subject, and the email's as
   * the second one.
   */
  private final SessionToken token =
      new SessionToken(
          "app_1",
          subjects.subjectId("app_1", PHONE),
          "ses_1",
          List.of("sms", "email"),
          subjects.subjectId("app_1", EMAIL));

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
    String payload =
        new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8)
            .replace("ses_1", "ses_2");
    String tampered =
        parts[0]
            + "."
            + Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(payload.getBytes(StandardCharsets.UTF_8))
            + "."
            + parts[2];
    assertFalse(tokens.verify(tampered).isPresent());
    byte[] otherKey = new byte[32];
    otherKey[31] = 7;
    assertFalse(
        tokens
            .verify(new SessionTokens(new Secrets(otherKey)).sign(token, Instant.now()))
            .isPresent());
    assertFalse(tokens.verify("not-a-token").isPresent());
    assertFalse(tokens.verify("").isPresent());
    assertFalse(tokens.verify(null).isPresent());
    assertFalse(tokens.verify(parts[0] + "." + parts[1] + ".").isPresent());
  }

  @Test
  void the_token_carries_the_session_and_opaque_subjects_and_no_destination() throws Exception {
    String t = tokens.sign(token, Instant.parse("2026-12-02T10:00:00Z"));
    String payload =
        new String(Base64.getUrlDecoder().decode(t.split("\\.")[1]), StandardCharsets.UTF_8);
    Map<String, Object> claims = Json.MAPPER.readValue(payload, new TypeReference<>() {});
    assertEquals(
        Set.of("iss", "iat", "app", "sid", "ch", "sub", "sub2"),
        claims.keySet(),
        "nothing else travels: " + payload);
    assertEquals(
        List.of(
            "app_1",
            "ses_1",
            List.of("sms", "email"),
            token.subjectId(),
            token.secondarySubjectId()),
        List.of(
            claims.get("app"),
            claims.get("sid"),
            claims.get("ch"),
            claims.get("sub"),
            claims.get("sub2")));
    for (String readable :
        List.of(PHONE.substring(1), "612345678", EMAIL, "jane.doe", "example.com")) {
      assertFalse(payload.toLowerCase(Locale.ROOT).contains(readable), readable + " in " + payload);
    }
  }
}
