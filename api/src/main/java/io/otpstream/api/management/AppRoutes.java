package io.otpstream.api.management;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import io.otpstream.api.apps.AppCatalog;
import io.otpstream.api.apps.AppDirectory;
import io.otpstream.api.auth.ManagementAuth;
import io.otpstream.api.body.JsonBodies;
import io.otpstream.api.errors.Echo;
import io.otpstream.api.errors.Refusal;
import io.otpstream.common.secret.Secrets;
import io.otpstream.schemas.apps.ApiKey;
import io.otpstream.schemas.apps.App;
import io.otpstream.schemas.apps.KeyMode;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Apps and their API keys (management key): create, list, read and update apps; create, list and
 * revoke keys. A key is returned once, when it is created; only its SHA-256 is kept.
 */
public final class AppRoutes {
  static final String APPS = "/v2/session/apps";
  static final String APP = APPS + "/{appId}";

  record AppBody(String name, @JsonProperty("allowed_origins") List<String> allowedOrigins) {}

  record AppView(
      String id,
      String name,
      @JsonProperty("allowed_origins") List<String> allowedOrigins,
      @JsonProperty("created_at") Instant createdAt) {
    static AppView of(App a) {
      return new AppView(a.getAppId(), a.getName(), a.getAllowedOrigins(), a.getCreatedAt());
    }
  }

  record KeyBody(String mode) {}

  record KeyView(String id, String mode, @JsonProperty("created_at") Instant createdAt) {
    static KeyView of(ApiKey k) {
      return new KeyView(
          keyId(k.getKeyHash()), k.getMode().name().toLowerCase(Locale.ROOT), k.getCreatedAt());
    }
  }

  record CreatedKey(
      String id, String mode, String key, @JsonProperty("created_at") Instant createdAt) {}

  private final AppDirectory directory;
  private final AppCatalog catalog;
  private final Clock clock;

  public AppRoutes(AppDirectory directory, AppCatalog catalog, Clock clock) {
    this.directory = directory;
    this.catalog = catalog;
    this.clock = clock;
  }

  public void register(RoutesConfig routes) {
    routes.post(APPS, this::create, ManagementAuth.KEY);
    routes.get(APPS, this::list, ManagementAuth.KEY);
    routes.get(APP, this::get, ManagementAuth.KEY);
    routes.patch(APP, this::update, ManagementAuth.KEY);
    routes.post(APP + "/keys", this::createKey, ManagementAuth.KEY);
    routes.get(APP + "/keys", this::listKeys, ManagementAuth.KEY);
    routes.delete(APP + "/keys/{keyId}", this::revokeKey, ManagementAuth.KEY);
  }

  private void create(Context ctx) {
    AppBody body = JsonBodies.read(ctx, AppBody.class, true);
    String appId =
        "app-" + Ids.random26(); // a DNS label: the session API finds the app in the Host
    App app =
        new App(appId, name(body.name(), true), clock.instant(), origins(body.allowedOrigins()));
    catalog.putApp(app);
    directory.await(() -> directory.app(appId).isPresent());
    ctx.status(HttpStatus.CREATED).json(AppView.of(app));
  }

  private void list(Context ctx) {
    ctx.json(Map.of("apps", directory.apps().stream().map(AppView::of).toList()));
  }

  private void get(Context ctx) {
    ctx.json(AppView.of(ManagementAuth.app(ctx)));
  }

  private void update(Context ctx) {
    App current = ManagementAuth.app(ctx);
    AppBody body = JsonBodies.read(ctx, AppBody.class, true);
    App next =
        App.newBuilder(current)
            .setName(body.name() == null ? current.getName() : name(body.name(), false))
            .setAllowedOrigins(
                body.allowedOrigins() == null
                    ? current.getAllowedOrigins()
                    : origins(body.allowedOrigins()))
            .build();
    catalog.putApp(next);
    directory.await(() -> directory.app(next.getAppId()).map(next::equals).orElse(false));
    ctx.json(AppView.of(next));
  }

  private void createKey(Context ctx) {
    App app = ManagementAuth.app(ctx);
    KeyBody body = JsonBodies.read(ctx, KeyBody.class, true);
    KeyMode mode;
    if ("live".equals(body.mode())) {
      mode = KeyMode.LIVE;
    } else if ("test".equals(body.mode())) {
      mode = KeyMode.TEST;
    } else {
      throw Refusal.badRequest("mode is required: \"live\" or \"test\"");
    }
    String key = catalog.createApiKey(app.getAppId(), mode);
    String hash = Secrets.sha256Hex(key);
    directory.await(() -> directory.apiKeyByHash(hash).isPresent());
    Instant created =
        directory.apiKeyByHash(hash).map(ApiKey::getCreatedAt).orElse(clock.instant());
    ctx.status(HttpStatus.CREATED).json(new CreatedKey(keyId(hash), body.mode(), key, created));
  }

  private void listKeys(Context ctx) {
    App app = ManagementAuth.app(ctx);
    ctx.json(
        Map.of(
            "keys",
            directory.apiKeys(app.getAppId()).stream()
                .filter(k -> !k.getRevoked())
                .map(KeyView::of)
                .toList()));
  }

  private void revokeKey(Context ctx) {
    App app = ManagementAuth.app(ctx);
    String keyId = ctx.pathParam("keyId");
    ApiKey key =
        directory.apiKeys(app.getAppId()).stream()
            .filter(k -> !k.getRevoked() && keyId(k.getKeyHash()).equals(keyId))
            .findFirst()
            .orElseThrow(
                () ->
                    Refusal.notFound(
                        "App " + app.getAppId() + " has no key '" + Echo.of(keyId, 64) + "'"));
    catalog.revokeApiKey(key);
    directory.await(() -> directory.apiKeyByHash(key.getKeyHash()).isEmpty());
    ctx.status(HttpStatus.NO_CONTENT);
  }

  /** The public id of a key: {@code key_} and the first 16 hex digits of its hash. */
  static String keyId(String hash) {
    return "key_" + hash.substring(0, 16);
  }

  private static String name(String name, boolean required) {
    if (name == null || name.isBlank()) {
      if (required) {
        throw Refusal.badRequest("name is required");
      }
      throw Refusal.badRequest("name must not be blank");
    }
    if (name.length() > 100 || name.chars().anyMatch(Character::isISOControl)) {
      throw Refusal.badRequest("name must be at most 100 printable characters");
    }
    return name.strip();
  }

  private static List<String> origins(List<String> in) {
    if (in == null) {
      return List.of();
    }
    if (in.size() > 20) {
      throw Refusal.badRequest("allowed_origins accepts at most 20 origins");
    }
    LinkedHashSet<String> out = new LinkedHashSet<>();
    for (String o : in) {
      out.add(origin(o));
    }
    return new ArrayList<>(out);
  }

  /** An origin is {@code scheme://host[:port]}: http or https, no path, query or user info. */
  private static String origin(String o) {
    String message = "allowed_origins entries must be origins such as https://app.example.com";
    if (o == null || o.length() > 200) {
      throw Refusal.badRequest(message);
    }
    try {
      URI u = new URI(o);
      boolean ok =
          ("https".equals(u.getScheme()) || "http".equals(u.getScheme()))
              && u.getHost() != null
              && u.getRawUserInfo() == null
              && (u.getRawPath() == null || u.getRawPath().isEmpty())
              && u.getRawQuery() == null
              && u.getRawFragment() == null;
      if (!ok) {
        throw Refusal.badRequest(message);
      }
      return u.getScheme()
          + "://"
          + u.getHost().toLowerCase(Locale.ROOT)
          + (u.getPort() >= 0 ? ":" + u.getPort() : "");
    } catch (java.net.URISyntaxException e) {
      throw Refusal.badRequest(message);
    }
  }
}
