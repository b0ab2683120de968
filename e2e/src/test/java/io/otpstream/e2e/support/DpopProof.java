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
import java.util.Date;
import java.util.UUID;

/** A DPoP proof (RFC 9449) as a client makes one: a fresh P-256 key, a new jti, issued now. */
public final class DpopProof {
  private DpopProof() {}

  /** A proof for {@code method} on {@code htu} ({@code https://<Host><path>}). */
  public static String of(String method, String htu) {
    try {
      ECKey key = new ECKeyGenerator(Curve.P_256).generate();
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
                  .issueTime(new Date())
                  .build());
      jwt.sign(new ECDSASigner(key));
      return jwt.serialize();
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }
}
