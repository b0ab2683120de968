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
import java.util.List;
import java.util.Optional;

/**
 * Session tokens: compact HS256 JWTs (the shape Sendmator's clients expect) signed with a key
 * derived from the master secret. They carry the app, the opaque subject id and the session id,
 * never a phone, an email or a code; a tampered token fails verification.
 */
public final class SessionTokens {
  private static final String ISSUER = "otpstream";
  private final MACSigner signer;
  private final MACVerifier verifier;

  public SessionTokens(Secrets secrets) {
    try {
      byte[] key = secrets.sessionTokenKey();
      this.signer = new MACSigner(key);
      this.verifier = new MACVerifier(key);
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  public String sign(SessionToken token, Instant issuedAt) {
    JWTClaimsSet claims = new JWTClaimsSet.Builder()
        .issuer(ISSUER)
        .subject(token.subjectId())
        .claim("app", token.appId())
        .claim("sid", token.sessionId())
        .claim("ch", token.channels())
        .issueTime(Date.from(issuedAt))
        .build();
    SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
    try {
      jwt.sign(signer);
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
    return jwt.serialize();
  }

  /** The token's content, or empty when it is malformed, forged or not ours. */
  public Optional<SessionToken> verify(String serialized) {
    if (serialized == null || serialized.length() > 2048) {
      return Optional.empty();
    }
    try {
      SignedJWT jwt = SignedJWT.parse(serialized);
      if (!JWSAlgorithm.HS256.equals(jwt.getHeader().getAlgorithm()) || !jwt.verify(verifier)) {
        return Optional.empty();
      }
      JWTClaimsSet c = jwt.getJWTClaimsSet();
      String app = c.getStringClaim("app");
      String sid = c.getStringClaim("sid");
      if (!ISSUER.equals(c.getIssuer()) || app == null || sid == null || c.getSubject() == null) {
        return Optional.empty();
      }
      List<String> channels = c.getStringListClaim("ch");
      return Optional.of(new SessionToken(app, c.getSubject(), sid, channels));
    } catch (ParseException | JOSEException | RuntimeException e) {
      return Optional.empty();
    }
  }
}
