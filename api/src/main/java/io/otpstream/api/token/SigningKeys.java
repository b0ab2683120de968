package io.otpstream.api.token;

import com.google.crypto.tink.subtle.Ed25519Sign;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.Ed25519Signer;
import com.nimbusds.jose.crypto.Ed25519Verifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.otpstream.common.secret.Secrets;
import java.security.GeneralSecurityException;
import java.text.ParseException;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;

/**
 * The installation's Ed25519 signing key for access and challenge tokens. It derives from the
 * master secret, so every api instance signs with the same key and nothing is stored; its {@code
 * kid} is the RFC 7638 thumbprint of the public key, published at {@code /.well-known/jwks.json}.
 */
public final class SigningKeys {
  private final OctetKeyPair privateKey;
  private final OctetKeyPair publicKey;
  private final Ed25519Signer signer;
  private final Ed25519Verifier verifier;

  public SigningKeys(Secrets secrets) {
    byte[] seed = Arrays.copyOf(secrets.derive("jwt-signing-ed25519|v1"), 32);
    try {
      Ed25519Sign.KeyPair pair = Ed25519Sign.KeyPair.newKeyPairFromSeed(seed);
      OctetKeyPair unnamed =
          new OctetKeyPair.Builder(Curve.Ed25519, Base64URL.encode(pair.getPublicKey())).build();
      String kid = unnamed.computeThumbprint().toString();
      this.privateKey =
          new OctetKeyPair.Builder(Curve.Ed25519, Base64URL.encode(pair.getPublicKey()))
              .d(Base64URL.encode(pair.getPrivateKey()))
              .keyUse(KeyUse.SIGNATURE)
              .algorithm(JWSAlgorithm.EdDSA)
              .keyID(kid)
              .build();
      this.publicKey = privateKey.toPublicJWK();
      this.signer = new Ed25519Signer(privateKey);
      this.verifier = new Ed25519Verifier(publicKey);
    } catch (GeneralSecurityException | JOSEException e) {
      throw new IllegalStateException("cannot derive the Ed25519 signing key", e);
    }
  }

  public String keyId() {
    return publicKey.getKeyID();
  }

  /** The public JWK Set, as served at {@code /.well-known/jwks.json}. */
  public Map<String, Object> jwks() {
    return new JWKSet(publicKey).toJSONObject(true);
  }

  /** Signs {@code claims} as an EdDSA JWT with this key's {@code kid} and the given {@code typ}. */
  public String sign(JWTClaimsSet claims, String type) {
    JWSHeader header =
        new JWSHeader.Builder(JWSAlgorithm.EdDSA)
            .keyID(keyId())
            .type(new JOSEObjectType(type))
            .build();
    SignedJWT jwt = new SignedJWT(header, claims);
    try {
      jwt.sign(signer);
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
    return jwt.serialize();
  }

  /**
   * The claims of a JWT this key signed with the expected {@code typ}, or empty when it is
   * malformed, of another type or algorithm, or its signature fails. Expiry is the caller's check.
   */
  public Optional<JWTClaimsSet> verify(String serialized, String type) {
    if (serialized == null || serialized.length() > 4096) {
      return Optional.empty();
    }
    try {
      SignedJWT jwt = SignedJWT.parse(serialized);
      JWSHeader h = jwt.getHeader();
      if (!JWSAlgorithm.EdDSA.equals(h.getAlgorithm())
          || h.getType() == null
          || !type.equals(h.getType().getType())
          || !keyId().equals(h.getKeyID())
          || !jwt.verify(verifier)) {
        return Optional.empty();
      }
      return Optional.of(jwt.getJWTClaimsSet());
    } catch (ParseException | JOSEException | RuntimeException e) {
      return Optional.empty();
    }
  }
}
