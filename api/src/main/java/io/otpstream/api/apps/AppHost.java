package io.otpstream.api.apps;

import io.javalin.http.Context;
import io.otpstream.schemas.apps.App;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The app of the session API and the admin resend: the first label of the Host ({@code
 * {appId}.session.example.com}, or {@code {appId}.localhost} locally).
 */
public final class AppHost {
  private static final Pattern LABEL = Pattern.compile("[a-z0-9](?:[a-z0-9_-]{0,62})");

  private AppHost() {}

  public static Optional<App> app(Context ctx, AppDirectory directory) {
    String host = ctx.header("Host");
    if (host == null || host.length() > 255) {
      return Optional.empty();
    }
    String label = host.split("[.:]", 2)[0].toLowerCase(Locale.ROOT);
    if (!LABEL.matcher(label).matches() || !host.contains(".")) {
      return Optional.empty();
    }
    return directory.app(label);
  }

  /** The origin the client called, for token issuers and DPoP's {@code htu}: always https. */
  public static String issuer(Context ctx) {
    return "https://" + ctx.header("Host");
  }
}
