package io.otpstream.api.webhook;

import com.fasterxml.jackson.annotation.JsonInclude;
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
import io.otpstream.common.webhook.WebhookEventTypes;
import io.otpstream.common.webhook.WebhookSecrets;
import io.otpstream.common.webhook.WebhookUrls;
import io.otpstream.schemas.apps.App;
import io.otpstream.schemas.apps.WebhookSubscription;
import java.time.Clock;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * An app's webhook subscriptions ({@code POST/GET /v2/apps/{appId}/webhooks}, {@code GET/DELETE
 * …/webhooks/{id}}) and their delivery log ({@code GET …/webhooks/{id}/deliveries}), with the
 * management key. The signing secret is generated here and shown once, in the creation's answer;
 * {@code otp.apps} keeps it sealed. A URL that is not https, or whose host resolves to a loopback,
 * link-local, private or multicast address, is refused with 400 unless private targets are allowed
 * (dev mode).
 */
public final class WebhookRoutes {
  static final String LIST = "/v2/apps/{appId}/webhooks";
  static final String ONE = LIST + "/{webhookId}";
  private static final Pattern ID = Pattern.compile("wh_[0-9a-f]{24}");
  private static final int MAX_PER_APP = 20;

  record Body(String url, @JsonProperty("event_types") List<String> eventTypes) {}

  record View(
      String id,
      String url,
      @JsonProperty("event_types") List<String> eventTypes,
      @JsonProperty("created_at") Instant createdAt,
      @JsonInclude(JsonInclude.Include.NON_NULL) String secret) {
    static View of(WebhookSubscription w, String secret) {
      return new View(w.getId(), w.getUrl(), w.getEventTypes(), w.getCreatedAt(), secret);
    }
  }

  private final AppDirectory directory;
  private final AppCatalog catalog;
  private final WebhookSecrets secrets;
  private final WebhookLog log;
  private final boolean allowPrivate;
  private final Clock clock;

  public WebhookRoutes(
      AppDirectory directory,
      AppCatalog catalog,
      Secrets secrets,
      WebhookLog log,
      boolean allowPrivate,
      Clock clock) {
    this.directory = directory;
    this.catalog = catalog;
    this.secrets = new WebhookSecrets(secrets);
    this.log = log;
    this.allowPrivate = allowPrivate;
    this.clock = clock;
  }

  public void register(RoutesConfig routes) {
    routes.post(LIST, this::create, ManagementAuth.KEY);
    routes.get(LIST, this::list, ManagementAuth.KEY);
    routes.get(ONE, ctx -> ctx.json(View.of(known(ctx), null)), ManagementAuth.KEY);
    routes.delete(ONE, this::delete, ManagementAuth.KEY);
    routes.get(ONE + "/deliveries", this::deliveries, ManagementAuth.KEY);
  }

  private void create(Context ctx) {
    App app = ManagementAuth.app(ctx);
    Body b = JsonBodies.read(ctx, Body.class, true);
    String url;
    try {
      url = WebhookUrls.check(b.url(), allowPrivate).toString();
    } catch (IllegalArgumentException e) {
      throw Refusal.badRequest(e.getMessage());
    }
    List<String> types = eventTypes(b.eventTypes());
    if (directory.webhooks(app.getAppId()).size() >= MAX_PER_APP) {
      throw Refusal.conflict("An app has at most " + MAX_PER_APP + " webhook subscriptions");
    }
    String id = "wh_" + HexFormat.of().formatHex(Secrets.randomBytes(12));
    String secret = WebhookSecrets.generate();
    WebhookSubscription w =
        new WebhookSubscription(
            app.getAppId(),
            id,
            url,
            types,
            secrets.seal(app.getAppId(), id, secret),
            clock.instant());
    catalog.putWebhook(w);
    directory.await(() -> directory.webhook(app.getAppId(), id).isPresent());
    ctx.status(HttpStatus.CREATED).json(View.of(w, secret));
  }

  private void list(Context ctx) {
    App app = ManagementAuth.app(ctx);
    ctx.json(
        Map.of(
            "webhooks",
            directory.webhooks(app.getAppId()).stream().map(w -> View.of(w, null)).toList()));
  }

  private void delete(Context ctx) {
    WebhookSubscription w = known(ctx);
    catalog.deleteWebhook(w.getAppId(), w.getId());
    directory.await(() -> directory.webhook(w.getAppId(), w.getId()).isEmpty());
    ctx.status(HttpStatus.NO_CONTENT);
  }

  private void deliveries(Context ctx) {
    WebhookSubscription w = known(ctx);
    ctx.json(Map.of("deliveries", log.attempts(w.getAppId(), w.getId())));
  }

  private WebhookSubscription known(Context ctx) {
    App app = ManagementAuth.app(ctx);
    String id = ctx.pathParam("webhookId");
    if (!ID.matcher(id).matches()) {
      throw Refusal.notFound("App " + app.getAppId() + " has no webhook '" + Echo.of(id, 64) + "'");
    }
    return directory
        .webhook(app.getAppId(), id)
        .orElseThrow(
            () -> Refusal.notFound("App " + app.getAppId() + " has no webhook '" + id + "'"));
  }

  private static List<String> eventTypes(List<String> requested) {
    if (requested == null || requested.isEmpty()) {
      throw Refusal.badRequest("event_types must list one or more of " + WebhookEventTypes.ALL);
    }
    LinkedHashSet<String> types = new LinkedHashSet<>();
    for (String t : requested) {
      if (t == null || !WebhookEventTypes.ALL.contains(t)) {
        throw Refusal.badRequest(
            "event_types: '"
                + Echo.of(String.valueOf(t), 32)
                + "' is not one of "
                + WebhookEventTypes.ALL);
      }
      types.add(t);
    }
    return List.copyOf(types);
  }
}
