package io.otpstream.api.token;

import com.nimbusds.jose.EncryptionMethod;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWEAlgorithm;
import com.nimbusds.jose.JWEHeader;
import com.nimbusds.jose.JWEObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.DirectDecrypter;
import com.nimbusds.jose.crypto.DirectEncrypter;
import com.nimbusds.jwt.JWTClaimsSet;
import io.otpstream.common.secret.Secrets;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Challenge tokens for step-up: short-lived EdDSA JWTs the management API issues to an app's
 * backend. The identifier to send the code to travels inside, encrypted (JWE {@code dir} + A256GCM
 * under a key derived from the master secret), so the token shows no phone or email. A successful
 * check answers a <em>verified</em> challenge token with the same user, scope and subject, which
 * the app's backend checks against the JWKS.
 */
public final class ChallengeTokens {
  public static final String TYPE = "challenge+jwt";
  public static final String VERIFIED_TYPE = "verified-challenge+jwt";
  public static final Duration TTL = Duration.ofMinutes(5);
  private static final String ISSUER = "otpstream";

  /** How a presented challenge token reads. */
  public sealed interface Parsed permits Valid, Expired, Invalid {}

  public record Valid(Challenge challenge) implements Parsed {}

  public record Expired() implements Parsed {}

  public record Invalid() implements Parsed {}

  /** A verified challenge, as the app's backend reads it. */
  public record Verified(
      String appId, String subjectId, String userId, String scope, Instant verifiedAt) {}

  private final SigningKeys keys;
  private final DirectEncrypter encrypter;
  private final DirectDecrypter decrypter;

  public ChallengeTokens(SigningKeys keys, Secrets secrets) {
    this.keys = keys;
    byte[] aes = secrets.derive("challenge-identifier|v1");
    try {
      this.encrypter = new DirectEncrypter(aes);
      this.decrypter = new DirectDecrypter(aes);
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Issues a challenge token for a user, scope and identifier, valid for {@link #TTL}. */
  public String issue(Challenge c) {
    JWTClaimsSet claims =
        new JWTClaimsSet.Builder()
            .issuer(ISSUER)
            .audience(c.appId())
            .subject(c.subjectId())
            .jwtID(c.id())
            .issueTime(Date.from(c.expiresAt().minus(TTL)))
            .expirationTime(Date.from(c.expiresAt()))
            .claim("uid", c.userId())
            .claim("scope", c.scope())
            .claim("idn", encrypt(c.identifierType(), c.identifierValue()))
            .build();
    return keys.sign(claims, TYPE);
  }

  /** A new challenge for {@code appId}, expiring {@link #TTL} after {@code now}. */
  public static Challenge create(
      String appId,
      String subjectId,
      String userId,
      String scope,
      String identifierType,
      String identifierValue,
      Instant now) {
    return new Challenge(
        "chl_" + UUID.randomUUID().toString().replace("-", ""),
        appId,
        subjectId,
        userId,
        scope,
        identifierType,
        identifierValue,
        now.plus(TTL));
  }

  /** Reads a presented challenge token of {@code appId}: a token of another app is invalid. */
  public Parsed parse(String token, String appId, Instant now) {
    Optional<JWTClaimsSet> verified = keys.verify(token, TYPE);
    if (verified.isEmpty()) {
      return new Invalid();
    }
    JWTClaimsSet c = verified.get();
    try {
      List<String> aud = c.getAudience();
      Date exp = c.getExpirationTime();
      if (!ISSUER.equals(c.getIssuer())
          || aud == null
          || !aud.equals(List.of(appId))
          || exp == null
          || c.getJWTID() == null
          || c.getSubject() == null) {
        return new Invalid();
      }
      if (!exp.toInstant().isAfter(now)) {
        return new Expired();
      }
      Map<String, Object> idn = decrypt(c.getStringClaim("idn"));
      if (idn == null
          || !(idn.get("type") instanceof String type)
          || !(idn.get("value") instanceof String value)) {
        return new Invalid();
      }
      return new Valid(
          new Challenge(
              c.getJWTID(),
              appId,
              c.getSubject(),
              c.getStringClaim("uid"),
              c.getStringClaim("scope"),
              type,
              value,
              exp.toInstant()));
    } catch (ParseException e) {
      return new Invalid();
    }
  }

  /** The answer to a challenge the user passed: no identifier, {@code amr: ["otp"]}. */
  public String issueVerified(
      String appId,
      String subjectId,
      String userId,
      String scope,
      String challengeId,
      Instant now) {
    JWTClaimsSet claims =
        new JWTClaimsSet.Builder()
            .issuer(ISSUER)
            .audience(appId)
            .subject(subjectId)
            .jwtID("vch_" + UUID.randomUUID().toString().replace("-", ""))
            .issueTime(Date.from(now))
            .expirationTime(Date.from(now.plus(TTL)))
            .claim("uid", userId)
            .claim("scope", scope)
            .claim("challenge_id", challengeId)
            .claim("amr", List.of("otp"))
            .build();
    return keys.sign(claims, VERIFIED_TYPE);
  }

  /**
   * Reads a verified challenge token of {@code appId} (what an app's backend would do with the
   * JWKS).
   */
  public Optional<Verified> parseVerified(String token, String appId, Instant now) {
    return keys.verify(token, VERIFIED_TYPE)
        .flatMap(
            c -> {
              try {
                boolean ok =
                    ISSUER.equals(c.getIssuer())
                        && List.of(appId).equals(c.getAudience())
                        && c.getExpirationTime() != null
                        && c.getExpirationTime().toInstant().isAfter(now);
                return ok
                    ? Optional.of(
                        new Verified(
                            appId,
                            c.getSubject(),
                            c.getStringClaim("uid"),
                            c.getStringClaim("scope"),
                            c.getIssueTime().toInstant()))
                    : Optional.empty();
              } catch (ParseException e) {
                return Optional.empty();
              }
            });
  }

  private String encrypt(String type, String value) {
    JWEObject jwe =
        new JWEObject(
            new JWEHeader(JWEAlgorithm.DIR, EncryptionMethod.A256GCM),
            new Payload(Map.of("type", type, "value", value)));
    try {
      jwe.encrypt(encrypter);
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
    return jwe.serialize();
  }

  private Map<String, Object> decrypt(String compact) {
    if (compact == null) {
      return null;
    }
    try {
      JWEObject jwe = JWEObject.parse(compact);
      jwe.decrypt(decrypter);
      return jwe.getPayload().toJSONObject();
    } catch (ParseException | JOSEException | RuntimeException e) {
      return null;
    }
  }
}
