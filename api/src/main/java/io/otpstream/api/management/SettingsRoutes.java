package io.otpstream.api.management;

import com.google.i18n.phonenumbers.PhoneNumberUtil;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.otpstream.api.apps.AppDirectory;
import io.otpstream.api.apps.SettingsWriter;
import io.otpstream.api.auth.ManagementAuth;
import io.otpstream.api.body.JsonBodies;
import io.otpstream.api.errors.Echo;
import io.otpstream.api.errors.Refusal;
import io.otpstream.common.json.Json;
import io.otpstream.schemas.apps.AppSettings;
import java.time.Clock;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code GET}/{@code PUT /v2/apps/{appId}/settings} (management key). A PUT replaces the whole
 * object (fields left out take their defaults) and writes a new immutable version to {@code
 * otp.apps}; the next decision uses it, with no restart. A PUT that names the version it is based
 * on ({@code version} in the body, or {@code If-Match} with the ETag a GET answered) is refused
 * with 409 when the settings have moved on; one that names none replaces whatever is there.
 */
public final class SettingsRoutes {
  public static final String PATH = "/v2/apps/{appId}/settings";
  private static final JsonBodies BODIES =
      new JsonBodies(
          Json.MAPPER,
          false,
          new JsonBodies.Words(
              "A JSON settings object is required",
              "A JSON settings object is required",
              "Unknown setting",
              "The body is not valid JSON",
              "The body could not be read",
              false));
  private static final Set<String> REGIONS = PhoneNumberUtil.getInstance().getSupportedRegions();
  private static final Pattern ETAG = Pattern.compile("\"(\\d{1,18})\"");

  private final AppDirectory directory;
  private final SettingsWriter writer;
  private final Clock clock;

  public SettingsRoutes(AppDirectory directory, SettingsWriter writer, Clock clock) {
    this.directory = directory;
    this.writer = writer;
    this.clock = clock;
  }

  public void register(RoutesConfig routes) {
    routes.get(PATH, this::get, ManagementAuth.KEY);
    routes.put(PATH, this::put, ManagementAuth.KEY);
  }

  private void get(Context ctx) {
    String appId = ManagementAuth.app(ctx).getAppId();
    answer(ctx, directory.settings(appId));
  }

  private void put(Context ctx) {
    String appId = ManagementAuth.app(ctx).getAppId();
    SettingsBody body = BODIES.parse(ctx, SettingsBody.class, true);
    Long basedOn = basedOn(body.version(), ctx.header("If-Match"));
    AppSettings settings =
        body.toSettings(appId, 0, clock.instant(), REGIONS); // the writer gives it its version
    SettingsWriter.Outcome outcome = writer.write(appId, basedOn, settings);
    if (outcome instanceof SettingsWriter.Stale s) {
      throw Refusal.conflict(
          "The settings of "
              + appId
              + " are at version "
              + s.current()
              + ", not "
              + basedOn
              + ": GET them, apply your change and PUT again");
    }
    if (outcome instanceof SettingsWriter.Contended c) {
      throw Refusal.conflict(
          "Other updates of the settings of "
              + appId
              + " were being written at the same time; they are at"
              + " version "
              + c.current()
              + ": GET them and PUT again");
    }
    answer(ctx, ((SettingsWriter.Written) outcome).settings());
  }

  private static void answer(Context ctx, AppSettings settings) {
    ctx.header("ETag", "\"" + settings.getVersion() + "\"");
    ctx.json(SettingsBody.Versioned.of(settings));
  }

  /**
   * The version a PUT is based on: the body's {@code version} or {@code If-Match}; null for a blind
   * write.
   */
  private static Long basedOn(Long version, String ifMatch) {
    if (version != null && version < 0) {
      throw Refusal.badRequest(
          "version must be the version a GET answered, 0 or more (got " + version + ")");
    }
    if (ifMatch == null || ifMatch.isBlank() || ifMatch.strip().equals("*")) {
      return version;
    }
    Matcher m = ETAG.matcher(ifMatch.strip());
    if (!m.matches()) {
      throw Refusal.badRequest(
          "If-Match must be the ETag a GET answered, e.g. \"3\" (got "
              + Echo.of(ifMatch, 40)
              + ")");
    }
    long tagged = Long.parseLong(m.group(1));
    if (version != null && version != tagged) {
      throw Refusal.badRequest(
          "version ("
              + version
              + ") and If-Match ("
              + Echo.of(ifMatch.strip(), 40)
              + ") name different versions");
    }
    return tagged;
  }
}
