package io.otpstream.api.token;

import java.time.Instant;

/**
 * A step-up challenge: the app's backend asks that the user {@code userId} prove, for {@code
 * scope}, that they hold {@code identifierValue} (a phone number or an email address). {@code id}
 * is the token's {@code jti}; the verification cookie names it, so the check can only answer the
 * challenge that started the session.
 */
public record Challenge(
    String id,
    String appId,
    String subjectId,
    String userId,
    String scope,
    String identifierType,
    String identifierValue,
    Instant expiresAt) {}
