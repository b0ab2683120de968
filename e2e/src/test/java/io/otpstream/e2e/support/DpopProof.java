package io.otpstream.e2e.support;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.time.Instant;
import java.util.Date;
import java.util.UUID;

/** A DPoP proof (RFC 9449) as a client makes one: a fresh P-256 key, a new jti, issued now. */
public final class DpopProof {
  private DpopProof() {}

  /** A proof for {@code method} on {@code htu} ({@code https://<Host><path>}). */
  public static String of(String method, String htu) {
    try {
      return of(new ECKeyGenerator(Curve.P_256).generate(), method, htu, Instant.now());
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A proof signed with {@code key}, issued at {@code iat}, with a new jti. */
  public static String of(ECKey key, String method, String htu, Instant iat) {
    try {
      SignedJWT jwt =
          new SignedJWT(
              new JWSHeader.Builder(JWSAlgorithm.ES256)
                  .type(new JOSEObjectType("dpop+jwt"))
                  .jwk(key.toPublicJWK())
                  .build(),
              new JWTClaimsSet.Builder()
                  .jwtID(UUID.randomUUID().toString())
                  .claim("htm", method)
                  .claim("htu", htu)
                  .issueTime(Date.from(iat))
                  .build());
      jwt.sign(new ECDSASigner(key));
      return jwt.serialize();
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }
}
