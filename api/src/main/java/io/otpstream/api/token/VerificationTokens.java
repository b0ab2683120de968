package io.otpstream.api.token;

import com.nimbusds.jwt.JWTClaimsSet;
import io.otpstream.common.secret.Secrets;
import java.text.ParseException;
import java.time.Instant;
import java.util.Date;
import java.util.Optional;

/**
 * The value of the {@code __Host-verification-login_{app}} cookie: an HS256 JWT under its own
 * derived key (a Sendmator session token is not a cookie, nor the reverse). Tampering, another
 * app's cookie or an expired one reads as empty.
 */
public final class VerificationTokens {
  private static final String ISSUER = "otpstream/verification";
  private final Hs256 jwt;

  public VerificationTokens(Secrets secrets) {
    this.jwt = new Hs256(secrets.derive("verification-cookie|v1"));
  }

  public String sign(Verification v) {
    return jwt.sign(
        new JWTClaimsSet.Builder()
            .issuer(ISSUER)
            .subject(v.subjectId())
            .expirationTime(Date.from(v.expiresAt()))
            .claim("app", v.appId())
            .claim("sid", v.sessionId())
            .claim("ch", v.channel())
            .claim("pur", v.purpose())
            .claim("idt", v.identifierType())
            .claim("chl", v.challengeId())
            .claim("uid", v.userId())
            .claim("scp", v.scope())
            .build());
  }

  /** The cookie's content when it is ours, of {@code appId} and not expired at {@code now}. */
  public Optional<Verification> verify(String serialized, String appId, Instant now) {
    return jwt.verify(serialized)
        .flatMap(
            c -> {
              try {
                Date exp = c.getExpirationTime();
                if (!ISSUER.equals(c.getIssuer())
                    || !appId.equals(c.getStringClaim("app"))
                    || exp == null
                    || !exp.toInstant().isAfter(now)
                    || c.getSubject() == null
                    || c.getStringClaim("sid") == null) {
                  return Optional.empty();
                }
                return Optional.of(
                    new Verification(
                        appId,
                        c.getSubject(),
                        c.getStringClaim("sid"),
                        c.getStringClaim("ch"),
                        c.getStringClaim("pur"),
                        c.getStringClaim("idt"),
                        c.getStringClaim("chl"),
                        c.getStringClaim("uid"),
                        c.getStringClaim("scp"),
                        exp.toInstant()));
              } catch (ParseException e) {
                return Optional.empty();
              }
            });
  }
}
