package io.otpstream.api.token;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.text.ParseException;
import java.util.Optional;

/**
 * Compact HS256 JWTs under one derived key: what the session tokens and the verification cookies
 * share.
 */
final class Hs256 {
  private static final int MAX_LENGTH = 2048;
  private final MACSigner signer;
  private final MACVerifier verifier;

  Hs256(byte[] key) {
    try {
      this.signer = new MACSigner(key);
      this.verifier = new MACVerifier(key);
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  String sign(JWTClaimsSet claims) {
    SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
    try {
      jwt.sign(signer);
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
    return jwt.serialize();
  }

  /**
   * The claims of a token this key signed with HS256, or empty when it is malformed, too long or
   * forged.
   */
  Optional<JWTClaimsSet> verify(String serialized) {
    if (serialized == null || serialized.isEmpty() || serialized.length() > MAX_LENGTH) {
      return Optional.empty();
    }
    try {
      SignedJWT jwt = SignedJWT.parse(serialized);
      if (!JWSAlgorithm.HS256.equals(jwt.getHeader().getAlgorithm()) || !jwt.verify(verifier)) {
        return Optional.empty();
      }
      return Optional.of(jwt.getJWTClaimsSet());
    } catch (ParseException | JOSEException | RuntimeException e) {
      return Optional.empty();
    }
  }
}
