package io.otpstream.api.session;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.otpstream.api.errors.Refusal;
import io.otpstream.api.gateway.DpopJtiLedger;
import io.otpstream.api.prelude.PreludeErrors;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Locale;

/**
 * DPoP proofs (RFC 9449) on the login check: an ES256 JWT of type {@code dpop+jwt} carrying its
 * public key, signed by it, for this method and URL ({@code htu} as the client saw it: https and
 * the Host), issued within a minute and never seen before ({@code jti}). The access token is then
 * bound to the key's thumbprint ({@code cnf.jkt}). A {@code jti} is accepted once across every api
 * instance ({@link DpopJtiLedger}), and only once the rest of the proof has verified.
 */
final class DpopProofs {
  static final Duration WINDOW = Duration.ofSeconds(60);
  private static final JOSEObjectType TYPE = new JOSEObjectType("dpop+jwt");

  /** A verified proof: the RFC 7638 thumbprint of the client's key, and the proof's id. */
  record Proof(String thumbprint, String jti) {}

  private final Clock clock;
  private final DpopJtiLedger jtis;

  DpopProofs(Clock clock, DpopJtiLedger jtis) {
    this.clock = clock;
    this.jtis = jtis;
  }

  Proof verify(String header, String method, String url) {
    Proof proof = parse(header, method, url);
    if (!jtis.claim(proof.jti())) {
      throw PreludeErrors.invalidDpop(
          "This DPoP proof was already used: make a new one for each request");
    }
    return proof;
  }

  private Proof parse(String header, String method, String url) {
    if (header.length() > 4096) {
      throw PreludeErrors.invalidDpop("The DPoP proof is too long");
    }
    try {
      SignedJWT jwt = SignedJWT.parse(header.strip());
      JWSHeader h = jwt.getHeader();
      if (!TYPE.equals(h.getType())) {
        throw PreludeErrors.invalidDpop("The DPoP proof's typ must be dpop+jwt");
      }
      if (!JWSAlgorithm.ES256.equals(h.getAlgorithm())) {
        throw PreludeErrors.invalidDpop("The DPoP proof must be signed with ES256");
      }
      JWK jwk = h.getJWK();
      if (!(jwk instanceof ECKey key) || key.isPrivate()) {
        throw PreludeErrors.invalidDpop("The DPoP proof must carry its public EC key in jwk");
      }
      if (!jwt.verify(new ECDSAVerifier(key.toPublicJWK()))) {
        throw PreludeErrors.invalidDpop("The DPoP proof's signature does not verify with its jwk");
      }
      JWTClaimsSet c = jwt.getJWTClaimsSet();
      if (!method.equals(c.getStringClaim("htm"))) {
        throw PreludeErrors.invalidDpop("The DPoP proof's htm must be " + method);
      }
      if (!sameUrl(c.getStringClaim("htu"), url)) {
        throw PreludeErrors.invalidDpop("The DPoP proof's htu must be " + url);
      }
      Instant now = clock.instant();
      Date iat = c.getIssueTime();
      if (iat == null
          || iat.toInstant().isBefore(now.minus(WINDOW))
          || iat.toInstant().isAfter(now.plus(WINDOW))) {
        throw PreludeErrors.invalidDpop(
            "The DPoP proof's iat must be within " + WINDOW.toSeconds() + " s of now");
      }
      String jti = c.getJWTID();
      if (jti == null || jti.isEmpty() || jti.length() > 256) {
        throw PreludeErrors.invalidDpop("The DPoP proof needs a jti of at most 256 characters");
      }
      return new Proof(key.computeThumbprint().toString(), jti);
    } catch (ParseException e) {
      throw PreludeErrors.invalidDpop("The DPoP header is not a signed JWT");
    } catch (JOSEException e) {
      throw PreludeErrors.invalidDpop("The DPoP proof's key cannot be used: " + e.getMessage());
    } catch (Refusal e) {
      throw e;
    } catch (RuntimeException e) {
      throw PreludeErrors.invalidDpop("The DPoP proof is malformed");
    }
  }

  /** Same URL, ignoring query, fragment and the case of scheme and host (RFC 9449 §4.3). */
  private static boolean sameUrl(String htu, String expected) {
    if (htu == null || htu.length() > 2048) {
      return false;
    }
    String bare = htu.split("[?#]", 2)[0];
    int schemeEnd = bare.indexOf("://");
    int pathStart = schemeEnd < 0 ? -1 : bare.indexOf('/', schemeEnd + 3);
    if (pathStart < 0) {
      return false;
    }
    String origin = bare.substring(0, pathStart).toLowerCase(Locale.ROOT);
    int expectedPath = expected.indexOf('/', expected.indexOf("://") + 3);
    return origin.equals(expected.substring(0, expectedPath).toLowerCase(Locale.ROOT))
        && bare.substring(pathStart).equals(expected.substring(expectedPath));
  }
}
