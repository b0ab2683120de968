package io.otpstream.api.token;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.crypto.Ed25519Verifier;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jwt.SignedJWT;
import io.otpstream.common.secret.Secrets;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Access, challenge and verification tokens: signed, tamper-evident, and carrying no phone or
 * email.
 */
class EdDsaTokensTest {
  private final Secrets secrets = new Secrets(new byte[32]);
  private final SigningKeys keys = new SigningKeys(secrets);
  private final ChallengeTokens challenges = new ChallengeTokens(keys, secrets);
  private final Instant now = Instant.parse("2026-11-23T12:00:00Z");

  @Test
  void the_key_is_stable_for_a_secret_and_published_without_its_private_part() throws Exception {
    assertEquals(keys.keyId(), new SigningKeys(new Secrets(new byte[32])).keyId());
    byte[] other = new byte[32];
    other[0] = 1;
    assertNotEquals(keys.keyId(), new SigningKeys(new Secrets(other)).keyId());
    JWKSet published = JWKSet.parse(keys.jwks());
    OctetKeyPair jwk = (OctetKeyPair) published.getKeyByKeyId(keys.keyId());
    assertFalse(jwk.isPrivate());
    assertFalse(keys.jwks().toString().contains("\"d\""));

    AccessTokens.Issued at =
        new AccessTokens(keys)
            .issue("https://demo.localhost", "demo", "sub_x", "phone_number", "jkt1", now);
    SignedJWT jwt = SignedJWT.parse(at.token());
    assertTrue(jwt.verify(new Ed25519Verifier(jwk)), "verifies with the published key alone");
    assertEquals(keys.keyId(), jwt.getHeader().getKeyID());
    assertEquals("jkt1", ((java.util.Map<?, ?>) jwt.getJWTClaimsSet().getClaim("cnf")).get("jkt"));
    assertEquals(now.plus(AccessTokens.TTL), at.expiresAt());
  }

  @Test
  void a_challenge_token_hides_its_identifier_and_reads_back_within_its_app_and_lifetime() {
    Challenge c =
        ChallengeTokens.create(
            "demo", "sub_1", "user-42", "payments", "phone_number", "+33612345678", now);
    String token = challenges.issue(c);
    for (String part : token.split("\\.")) {
      String decoded = new String(Base64.getUrlDecoder().decode(part), StandardCharsets.ISO_8859_1);
      assertFalse(decoded.contains("33612345678"), "no readable phone: " + decoded);
    }
    ChallengeTokens.Valid valid =
        assertInstanceOf(ChallengeTokens.Valid.class, challenges.parse(token, "demo", now));
    assertEquals(c, valid.challenge());
    assertInstanceOf(ChallengeTokens.Invalid.class, challenges.parse(token, "other", now));
    assertInstanceOf(
        ChallengeTokens.Expired.class,
        challenges.parse(token, "demo", now.plus(ChallengeTokens.TTL)));
    assertInstanceOf(ChallengeTokens.Invalid.class, challenges.parse(tamper(token), "demo", now));
    assertInstanceOf(ChallengeTokens.Invalid.class, challenges.parse("garbage", "demo", now));
    byte[] other = new byte[32];
    other[3] = 9;
    Secrets otherSecrets = new Secrets(other);
    String forged = new ChallengeTokens(new SigningKeys(otherSecrets), otherSecrets).issue(c);
    assertInstanceOf(ChallengeTokens.Invalid.class, challenges.parse(forged, "demo", now));
  }

  @Test
  void a_verified_challenge_is_not_a_challenge_and_the_reverse() {
    Challenge c =
        ChallengeTokens.create(
            "demo", "sub_1", "user-42", "payments", "email_address", "a@b.co", now);
    String verified = challenges.issueVerified("demo", "sub_1", "user-42", "payments", c.id(), now);
    assertInstanceOf(ChallengeTokens.Invalid.class, challenges.parse(verified, "demo", now));
    assertTrue(challenges.parseVerified(challenges.issue(c), "demo", now).isEmpty());
    ChallengeTokens.Verified v =
        challenges.parseVerified(verified, "demo", now.plusSeconds(1)).orElseThrow();
    assertEquals("user-42", v.userId());
    assertEquals("payments", v.scope());
    assertTrue(
        challenges.parseVerified(verified, "demo", now.plus(Duration.ofMinutes(6))).isEmpty());
  }

  @Test
  void a_verification_cookie_holds_its_session_for_its_app_until_it_expires() {
    VerificationTokens cookies = new VerificationTokens(secrets);
    Verification v =
        new Verification(
            "demo",
            "sub_1",
            "ses_1",
            "sms",
            Verification.LOGIN,
            "phone_number",
            null,
            null,
            null,
            now.plusSeconds(600));
    String token = cookies.sign(v);
    assertEquals(v, cookies.verify(token, "demo", now).orElseThrow());
    assertTrue(cookies.verify(token, "other", now).isEmpty());
    assertTrue(cookies.verify(token, "demo", now.plusSeconds(600)).isEmpty());
    assertTrue(cookies.verify(tamper(token), "demo", now).isEmpty());
    assertTrue(
        cookies
            .verify(
                new SessionTokens(secrets)
                    .sign(new SessionToken("demo", "sub_1", "ses_1", List.of("sms")), now),
                "demo",
                now)
            .isEmpty(),
        "a Sendmator session token is not a cookie");
  }

  private static String tamper(String token) {
    String[] parts = token.split("\\.");
    String payload =
        new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8)
            .replace("sub_1", "sub_2");
    return parts[0]
        + "."
        + Base64.getUrlEncoder()
            .withoutPadding()
            .encodeToString(payload.getBytes(StandardCharsets.UTF_8))
        + "."
        + parts[2];
  }
}
