package io.otpstream.launcher.dev;

import io.javalin.config.RoutesConfig;
import io.otpstream.common.outbox.Outbox;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The dev outbox: {@code GET /dev/outbox.json} (newest first) and {@code GET /dev/outbox}, a page
 * that shows each phone number as a phone and each email address as an inbox, refreshing itself.
 */
public final class OutboxRoutes {
  private static final String PAGE = load();

  private OutboxRoutes() {
  }

  public static void register(RoutesConfig routes, Outbox outbox) {
    routes.get("/dev/outbox.json", ctx -> ctx.json(outbox.list()));
    routes.get("/dev/outbox", ctx -> {
      ctx.header("Content-Security-Policy", "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'");
      ctx.html(PAGE);
    });
  }

  private static String load() {
    try (InputStream in = OutboxRoutes.class.getResourceAsStream("outbox.html")) {
      if (in == null) {
        throw new IllegalStateException("outbox.html is missing from the launcher jar");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
