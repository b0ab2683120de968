package io.otpstream.api.management;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.otpstream.api.apps.AppCatalog;
import io.otpstream.api.apps.AppDirectory;
import io.otpstream.api.errors.JsonErrors;
import io.otpstream.api.errors.ApiError;
import io.otpstream.common.json.Json;
import io.otpstream.schemas.apps.AppSettings;
import java.io.IOException;
import java.time.Clock;
import java.util.Set;

/**
 * {@code GET}/{@code PUT /v2/apps/{appId}/settings} (management key). A PUT replaces the whole
 * object (fields left out take their defaults) and writes a new immutable version to
 * {@code otp.apps}; the next decision uses it, with no restart.
 */
public final class SettingsRoutes {
  public static final String PATH = "/v2/apps/{appId}/settings";
  private static final ObjectReader STRICT = Json.MAPPER.readerFor(SettingsBody.class)
      .with(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
  private static final Set<String> REGIONS = PhoneNumberUtil.getInstance().getSupportedRegions();

  private final AppDirectory directory;
  private final AppCatalog catalog;
  private final Clock clock;

  public SettingsRoutes(AppDirectory directory, AppCatalog catalog, Clock clock) {
    this.directory = directory;
    this.catalog = catalog;
    this.clock = clock;
  }

  public void register(RoutesConfig routes) {
    routes.get(PATH, this::get);
    routes.put(PATH, this::put);
  }

  private void get(Context ctx) {
    ManagementAuth.require(ctx, directory);
    String appId = knownApp(ctx);
    ctx.json(SettingsBody.Versioned.of(directory.settings(appId)));
  }

  private void put(Context ctx) {
    ManagementAuth.require(ctx, directory);
    String appId = knownApp(ctx);
    SettingsBody body = parse(ctx.bodyAsBytes());
    AppSettings next = body.toSettings(appId, directory.settings(appId).getVersion() + 1, clock.instant(), REGIONS);
    catalog.putSettings(next);
    directory.awaitSettings(appId, next.getVersion());
    ctx.json(SettingsBody.Versioned.of(next));
  }

  private String knownApp(Context ctx) {
    String appId = ctx.pathParam("appId");
    if (directory.app(appId).isEmpty()) {
      throw ApiError.notFound("No app '" + appId + "'");
    }
    return appId;
  }

  private static SettingsBody parse(byte[] bytes) {
    if (bytes.length == 0) {
      throw ApiError.badRequest("A JSON settings object is required");
    }
    try {
      SettingsBody b = STRICT.readValue(bytes);
      if (b == null) {
        throw ApiError.badRequest("A JSON settings object is required");
      }
      return b;
    } catch (UnrecognizedPropertyException e) {
      throw ApiError.badRequest("Unknown setting '" + e.getPropertyName() + "'");
    } catch (MismatchedInputException e) {
      String path = JsonErrors.path(e);
      throw ApiError.badRequest(path + " has the wrong type");
    } catch (JsonProcessingException e) {
      throw ApiError.badRequest("The body is not valid JSON");
    } catch (IOException e) {
      throw ApiError.badRequest("The body could not be read");
    }
  }
}
