package io.otpstream.api.token;

import com.nimbusds.jwt.JWTClaimsSet;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Map;
import java.util.UUID;

/**
 * The access token a login check answers: an EdDSA JWT for the verified identifier, named by its
 * opaque subject id (never the phone or email), bound to the client's DPoP key when it sent a
 * proof.
 */
public final class AccessTokens {
  public static final String TYPE = "at+jwt";
  public static final Duration TTL = Duration.ofMinutes(15);

  /** A signed token and when it expires. */
  public record Issued(String token, Instant expiresAt) {}

  private final SigningKeys keys;

  public AccessTokens(SigningKeys keys) {
    this.keys = keys;
  }

  /**
   * @param issuer {@code https://} and the Host the client called
   * @param dpopThumbprint the RFC 7638 thumbprint of the client's DPoP key, or null
   */
  public Issued issue(
      String issuer,
      String appId,
      String subjectId,
      String identifierType,
      String dpopThumbprint,
      Instant now) {
    Instant exp = now.plus(TTL);
    JWTClaimsSet.Builder b =
        new JWTClaimsSet.Builder()
            .issuer(issuer)
            .audience(appId)
            .subject(subjectId)
            .jwtID("at_" + UUID.randomUUID().toString().replace("-", ""))
            .issueTime(Date.from(now))
            .expirationTime(Date.from(exp))
            .claim("identifier_type", identifierType)
            .claim("amr", java.util.List.of("otp"));
    if (dpopThumbprint != null) {
      b.claim("cnf", Map.of("jkt", dpopThumbprint));
    }
    return new Issued(keys.sign(b.build(), TYPE), exp);
  }
}
