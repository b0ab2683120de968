package io.otpstream.e2e.support;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.otpstream.common.settings.DefaultSettings;
import io.otpstream.schemas.apps.AppSettings;
import io.otpstream.schemas.apps.Limit;
import java.util.Map;

/**
 * Apps made through the management API, each with its own keys and settings, on a running pipeline.
 */
public final class Apps {
  private Apps() {}

  /** An app, its live and sandbox keys, and the Host its session API answers on. */
  public record App(String id, String liveKey, String testKey) {
    public String host() {
      return id + ".localhost";
    }
  }

  /**
   * The sends_per_number_block limit test apps get unless a test sets its own: tests send to
   * consecutive numbers, which that rule is there to stop; the tests of the rule name it.
   */
  public static final Limit NO_NUMBER_BLOCK_LIMIT = new Limit(DefaultSettings.MAX_LIMIT, 3600);

  /** {@code settings} with the sends_per_number_block rule out of the way (see above). */
  public static AppSettings withoutNumberBlockLimit(AppSettings settings) {
    return AppSettings.newBuilder(settings).setSendsPerNumberBlock(NO_NUMBER_BLOCK_LIMIT).build();
  }

  /**
   * Creates an app and its keys, then PUTs {@code settingsJson} (a settings object) as its
   * settings; with the sends_per_number_block rule out of the way unless it names the setting.
   */
  public static App create(Http http, String managementKey, String name, String settingsJson) {
    Map<String, String> auth =
        Map.of("Authorization", "Bearer " + managementKey, "Content-Type", "application/json");
    Http.Response app =
        http.exchange("POST", "/v2/session/apps", auth, "{\"name\": \"" + name + "\"}");
    assertEquals(201, app.status(), app.raw());
    String id = app.json().get("id").asText();
    String body =
        settingsJson.contains("\"sends_per_number_block\"")
            ? settingsJson
            : settingsJson.replaceFirst(
                "^\\s*\\{",
                "{\"sends_per_number_block\": {\"limit\": "
                    + NO_NUMBER_BLOCK_LIMIT.getLimit()
                    + ", \"window_seconds\": 3600}"
                    + (settingsJson.replaceAll("\\s", "").equals("{}") ? "" : ","));
    Http.Response settings = http.put("/v2/apps/" + id + "/settings", auth, body);
    assertEquals(200, settings.status(), settings.raw());
    return new App(id, key(http, auth, id, "live"), key(http, auth, id, "test"));
  }

  private static String key(Http http, Map<String, String> auth, String appId, String mode) {
    Http.Response r =
        http.exchange(
            "POST", "/v2/session/apps/" + appId + "/keys", auth, "{\"mode\": \"" + mode + "\"}");
    assertEquals(201, r.status(), r.raw());
    return r.json().get("key").asText();
  }
}
