package io.otpstream.api.session;

import io.javalin.http.Context;
import java.time.Duration;
import java.time.Instant;

/**
 * The {@code __Host-verification-login_{appId}} cookie: Secure, HttpOnly, Path=/, no Domain (the
 * {@code __Host-} prefix requires it), SameSite=None so the app's front end on another site can
 * send it with credentials.
 */
final class VerificationCookie {
  private VerificationCookie() {}

  static String name(String appId) {
    return "__Host-verification-login_" + appId;
  }

  static void set(Context ctx, String appId, String token, Instant now, Instant expiresAt) {
    long maxAge = Math.max(1, Duration.between(now, expiresAt).toSeconds());
    ctx.res()
        .addHeader(
            "Set-Cookie",
            name(appId)
                + "="
                + token
                + "; Path=/; Max-Age="
                + maxAge
                + "; Secure; HttpOnly; SameSite=None");
  }

  static void clear(Context ctx, String appId) {
    ctx.res()
        .addHeader(
            "Set-Cookie", name(appId) + "=; Path=/; Max-Age=0; Secure; HttpOnly; SameSite=None");
  }

  static String read(Context ctx, String appId) {
    return ctx.cookie(name(appId));
  }
}
