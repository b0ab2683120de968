package io.otpstream.common.token;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
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
  private final MACSigner signer;
  private final MACVerifier verifier;

  public VerificationTokens(Secrets secrets) {
    try {
      byte[] key = secrets.derive("verification-cookie|v1");
      this.signer = new MACSigner(key);
      this.verifier = new MACVerifier(key);
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  public String sign(Verification v) {
    JWTClaimsSet claims = new JWTClaimsSet.Builder()
        .issuer(ISSUER).subject(v.subjectId()).expirationTime(Date.from(v.expiresAt()))
        .claim("app", v.appId()).claim("sid", v.sessionId()).claim("ch", v.channel()).claim("pur", v.purpose())
        .claim("idt", v.identifierType()).claim("chl", v.challengeId()).claim("uid", v.userId()).claim("scp", v.scope())
        .build();
    SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
    try {
      jwt.sign(signer);
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
    return jwt.serialize();
  }

  /** The cookie's content when it is ours, of {@code appId} and not expired at {@code now}. */
  public Optional<Verification> verify(String serialized, String appId, Instant now) {
    if (serialized == null || serialized.isEmpty() || serialized.length() > 2048) {
      return Optional.empty();
    }
    try {
      SignedJWT jwt = SignedJWT.parse(serialized);
      if (!JWSAlgorithm.HS256.equals(jwt.getHeader().getAlgorithm()) || !jwt.verify(verifier)) {
        return Optional.empty();
      }
      JWTClaimsSet c = jwt.getJWTClaimsSet();
      Date exp = c.getExpirationTime();
      if (!ISSUER.equals(c.getIssuer()) || !appId.equals(c.getStringClaim("app")) || exp == null
          || !exp.toInstant().isAfter(now) || c.getSubject() == null || c.getStringClaim("sid") == null) {
        return Optional.empty();
      }
      return Optional.of(new Verification(appId, c.getSubject(), c.getStringClaim("sid"), c.getStringClaim("ch"),
          c.getStringClaim("pur"), c.getStringClaim("idt"), c.getStringClaim("chl"), c.getStringClaim("uid"),
          c.getStringClaim("scp"), exp.toInstant()));
    } catch (ParseException | JOSEException | RuntimeException e) {
      return Optional.empty();
    }
  }
}
