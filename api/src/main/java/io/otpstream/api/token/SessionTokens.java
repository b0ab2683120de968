package io.otpstream.api.token;

import com.nimbusds.jwt.JWTClaimsSet;
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
  private final Hs256 jwt;

  public SessionTokens(Secrets secrets) {
    this.jwt = new Hs256(secrets.sessionTokenKey());
  }

  public String sign(SessionToken token, Instant issuedAt) {
    JWTClaimsSet.Builder claims =
        new JWTClaimsSet.Builder()
            .issuer(ISSUER)
            .subject(token.subjectId())
            .claim("app", token.appId())
            .claim("sid", token.sessionId())
            .claim("ch", token.channels())
            .issueTime(Date.from(issuedAt));
    if (token.secondarySubjectId() != null) {
      claims.claim("sub2", token.secondarySubjectId());
    }
    return jwt.sign(claims.build());
  }

  /** The token's content, or empty when it is malformed, forged or not ours. */
  public Optional<SessionToken> verify(String serialized) {
    return jwt.verify(serialized)
        .flatMap(
            c -> {
              try {
                String app = c.getStringClaim("app");
                String sid = c.getStringClaim("sid");
                if (!ISSUER.equals(c.getIssuer())
                    || app == null
                    || sid == null
                    || c.getSubject() == null) {
                  return Optional.empty();
                }
                List<String> channels = c.getStringListClaim("ch");
                return Optional.of(
                    new SessionToken(app, c.getSubject(), sid, channels, c.getStringClaim("sub2")));
              } catch (ParseException e) {
                return Optional.empty();
              }
            });
  }
}
