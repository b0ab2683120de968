package io.otpstream.api.management;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import io.otpstream.api.apps.AppCatalog;
import io.otpstream.api.apps.AppDirectory;
import io.otpstream.api.auth.ManagementAuth;
import io.otpstream.api.body.JsonBodies;
import io.otpstream.api.errors.Refusal;
import io.otpstream.schemas.apps.App;
import io.otpstream.schemas.apps.MessageTemplate;
import java.time.Clock;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * An app's message templates, by template id and locale ({@code PUT/GET/DELETE
 * /v2/session/apps/{appId}/templates/{templateId}/{locale}}, {@code GET …/templates}). The text may
 * use {@code {{code}}}, {@code {{app_name}}} and {@code {{minutes}}}; the SMS text and the email
 * bodies must contain {@code {{code}}}. Template {@code default} is used when a session names none.
 */
public final class TemplateRoutes {
  static final String LIST = AppRoutes.APP + "/templates";
  static final String PATH = LIST + "/{templateId}/{locale}";
  private static final Pattern TEMPLATE_ID = Pattern.compile("[A-Za-z0-9_.:-]{1,64}");
  private static final Pattern LOCALE = Pattern.compile("[a-z]{2,3}(-[a-z0-9]{2,8})?");
  private static final int MAX_TEXT = 2000;

  record Body(
      String sms,
      @JsonProperty("email_subject") String emailSubject,
      @JsonProperty("email_text") String emailText,
      @JsonProperty("email_html") String emailHtml) {}

  record View(
      @JsonProperty("template_id") String templateId,
      String locale,
      String sms,
      @JsonProperty("email_subject") String emailSubject,
      @JsonProperty("email_text") String emailText,
      @JsonProperty("email_html") String emailHtml,
      @JsonProperty("updated_at") Instant updatedAt) {
    static View of(MessageTemplate t) {
      return new View(
          t.getTemplateId(),
          t.getLocale(),
          t.getSmsText(),
          t.getEmailSubject(),
          t.getEmailText(),
          t.getEmailHtml(),
          t.getUpdatedAt());
    }
  }

  private final AppDirectory directory;
  private final AppCatalog catalog;
  private final Clock clock;

  public TemplateRoutes(AppDirectory directory, AppCatalog catalog, Clock clock) {
    this.directory = directory;
    this.catalog = catalog;
    this.clock = clock;
  }

  public void register(RoutesConfig routes) {
    routes.get(LIST, this::list, ManagementAuth.KEY);
    routes.put(PATH, this::put, ManagementAuth.KEY);
    routes.get(PATH, this::get, ManagementAuth.KEY);
    routes.delete(PATH, this::delete, ManagementAuth.KEY);
  }

  private void list(Context ctx) {
    App app = ManagementAuth.app(ctx);
    ctx.json(
        Map.of("templates", directory.templates(app.getAppId()).stream().map(View::of).toList()));
  }

  private void put(Context ctx) {
    App app = ManagementAuth.app(ctx);
    String templateId = templateId(ctx);
    String locale = locale(ctx);
    Body b = JsonBodies.read(ctx, Body.class, true);
    if (b.sms() == null && b.emailText() == null && b.emailHtml() == null) {
      throw Refusal.badRequest("A template needs sms, email_text or email_html");
    }
    text(b.sms(), "sms", true);
    text(b.emailSubject(), "email_subject", false);
    text(b.emailText(), "email_text", true);
    text(b.emailHtml(), "email_html", true);
    MessageTemplate t =
        new MessageTemplate(
            app.getAppId(),
            templateId,
            locale,
            b.sms(),
            b.emailSubject(),
            b.emailText(),
            b.emailHtml(),
            clock.instant());
    catalog.putTemplate(t);
    directory.await(
        () -> directory.template(app.getAppId(), templateId, locale).map(t::equals).orElse(false));
    ctx.json(View.of(t));
  }

  private void get(Context ctx) {
    ctx.json(View.of(known(ctx)));
  }

  private void delete(Context ctx) {
    MessageTemplate t = known(ctx);
    catalog.deleteTemplate(t.getAppId(), t.getTemplateId(), t.getLocale());
    directory.await(
        () -> directory.template(t.getAppId(), t.getTemplateId(), t.getLocale()).isEmpty());
    ctx.status(HttpStatus.NO_CONTENT);
  }

  private MessageTemplate known(Context ctx) {
    App app = ManagementAuth.app(ctx);
    String templateId = templateId(ctx);
    String locale = locale(ctx);
    return directory
        .template(app.getAppId(), templateId, locale)
        .orElseThrow(
            () ->
                Refusal.notFound(
                    "App "
                        + app.getAppId()
                        + " has no template '"
                        + templateId
                        + "' in locale '"
                        + locale
                        + "'"));
  }

  private static String templateId(Context ctx) {
    String id = ctx.pathParam("templateId");
    if (!TEMPLATE_ID.matcher(id).matches()) {
      throw Refusal.badRequest("templateId must be 1 to 64 of letters, digits and _ . : -");
    }
    return id;
  }

  private static String locale(Context ctx) {
    String locale = ctx.pathParam("locale").toLowerCase(Locale.ROOT);
    if (!LOCALE.matcher(locale).matches()) {
      throw Refusal.badRequest("locale must be a language tag such as en, fr or pt-BR");
    }
    return locale;
  }

  private static void text(String value, String field, boolean needsCode) {
    if (value == null) {
      return;
    }
    if (value.isBlank() || value.length() > MAX_TEXT) {
      throw Refusal.badRequest(field + " must be 1 to " + MAX_TEXT + " characters");
    }
    if (needsCode && !value.contains("{{code}}")) {
      throw Refusal.badRequest(field + " must contain {{code}}, where the code goes");
    }
  }
}
