package io.otpstream.api.token;

import java.time.Instant;

/**
 * What the session API's verification cookie carries: the session to resend or check, the flow that
 * started it ({@code login} or {@code otp}) and, for step-up, the challenge it answers. No phone,
 * email or code.
 *
 * @param challengeId the challenge token's id, or null for a login or standalone OTP
 */
public record Verification(
    String appId,
    String subjectId,
    String sessionId,
    String channel,
    String purpose,
    String identifierType,
    String challengeId,
    String userId,
    String scope,
    Instant expiresAt) {
  public static final String LOGIN = "login";
  public static final String OTP = "otp";

  /** The same verification, valid until {@code newExpiry} (a resend extends the session). */
  public Verification expiringAt(Instant newExpiry) {
    return new Verification(
        appId,
        subjectId,
        sessionId,
        channel,
        purpose,
        identifierType,
        challengeId,
        userId,
        scope,
        newExpiry);
  }
}
