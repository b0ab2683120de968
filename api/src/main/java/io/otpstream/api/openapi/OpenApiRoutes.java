package io.otpstream.api.openapi;

import io.javalin.config.RoutesConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * Serves the OpenAPI 3.1 document at {@code /openapi.json} and its offline reference page at {@code
 * /docs}.
 */
public final class OpenApiRoutes {
  private static final String CSP =
      "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; "
          + "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

  private final String json;
  private final String html;

  public OpenApiRoutes() {
    this.json = load("openapi.json");
    this.html = load("docs.html");
  }

  public void register(RoutesConfig routes) {
    routes.get("/openapi.json", ctx -> ctx.contentType("application/json").result(json));
    routes.get(
        "/docs",
        ctx ->
            ctx.header("Content-Security-Policy", CSP)
                .contentType("text/html; charset=utf-8")
                .result(html));
  }

  private static String load(String name) {
    try (InputStream in = OpenApiRoutes.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException(
            "missing classpath resource io/otpstream/api/openapi/" + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
