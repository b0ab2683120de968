package io.otpstream.processor.session;

/**
 * The session rules' limits. Defaults follow DESIGN §5; per-request overrides from the send
 * request are clamped by {@link SessionRules} to fixed bounds.
 */
public record SessionPolicy(int otpLength, int expirySeconds, int maxCheckAttempts, int maxResendsPerSession,
                           long settingsVersion) {

  public static final SessionPolicy DEFAULTS = new SessionPolicy(6, 600, 5, 3, 0);
}
