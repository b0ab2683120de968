package io.otpstream.common.token;

/** What a session token carries: enough to route a resend or a check without a lookup. */
public record SessionToken(String appId, String subjectId, String sessionId) {
}
