package io.otpstream.dev.local;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Handler;
import io.javalin.http.HttpStatus;
import io.otpstream.api.errors.Refusal;
import io.otpstream.api.prelude.PreludeFamily;
import io.otpstream.common.outbox.Outbox;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The dev outbox: {@code GET /dev/outbox.json} (newest first) and {@code GET /dev/outbox}, a page
 * that shows each phone number as a phone and each email address as an inbox, refreshing itself.
 * Both answer only a loopback Host ({@code localhost}, {@code *.localhost}, {@code 127.0.0.1},
 * {@code [::1]}, any port), else 403: a page on another domain that resolves to 127.0.0.1 (DNS
 * rebinding) is same-origin with its own name, so the Host is what tells it apart.
 */
public final class OutboxRoutes {
  private static final String PAGE = load();
  private static final PreludeFamily ERRORS = new PreludeFamily();
  private static final Pattern LOOPBACK_HOST =
      Pattern.compile(
          "(localhost|([a-z0-9]([a-z0-9-]*[a-z0-9])?\\.)+localhost|127\\.0\\.0\\.1|\\[::1])(:[0-9]{1,5})?");

  private OutboxRoutes() {}

  public static void register(RoutesConfig routes, Outbox outbox) {
    routes.get("/dev/outbox.json", loopbackOnly(ctx -> ctx.json(outbox.list())));
    routes.get(
        "/dev/outbox",
        loopbackOnly(
            ctx -> {
              ctx.header(
                  "Content-Security-Policy",
                  "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'");
              ctx.html(PAGE);
            }));
  }

  static boolean loopback(String host) {
    return host != null && LOOPBACK_HOST.matcher(host.toLowerCase(Locale.ROOT)).matches();
  }

  private static Handler loopbackOnly(Handler handler) {
    return ctx -> {
      if (loopback(ctx.header("Host"))) {
        handler.handle(ctx);
      } else {
        ERRORS
            .answer(
                Refusal.of(HttpStatus.FORBIDDEN, "The dev outbox answers only on localhost"),
                ctx.path())
            .writeTo(ctx);
      }
    };
  }

  private static String load() {
    try (InputStream in = OutboxRoutes.class.getResourceAsStream("outbox.html")) {
      if (in == null) {
        throw new IllegalStateException("outbox.html is missing from the dev jar");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
