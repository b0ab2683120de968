package io.otpstream.bench.scenario;

import com.fasterxml.jackson.databind.JsonNode;
import io.otpstream.common.json.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * Apps the bench makes through the management API of a running otpstream, as an operator would: the
 * app, its settings, then a live and a sandbox key.
 */
public final class BenchApps {
  private static final HttpClient CLIENT =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private BenchApps() {}

  /** An app and its keys. */
  public record App(String id, String liveKey, String testKey) {}

  /** Creates app {@code name} with {@code settingsJson} (null: the defaults) and its two keys. */
  public static App create(String base, String managementKey, String name, String settingsJson)
      throws IOException, InterruptedException {
    String id =
        call(base, managementKey, "POST", "/v2/session/apps", "{\"name\":\"" + name + "\"}")
            .get("id")
            .asText();
    if (settingsJson != null) {
      settings(base, managementKey, id, settingsJson);
    }
    return new App(id, key(base, managementKey, id, "live"), key(base, managementKey, id, "test"));
  }

  /** Replaces the settings of app {@code id}. */
  public static void settings(String base, String managementKey, String id, String settingsJson)
      throws IOException, InterruptedException {
    call(base, managementKey, "PUT", "/v2/apps/" + id + "/settings", settingsJson);
  }

  private static String key(String base, String managementKey, String id, String mode)
      throws IOException, InterruptedException {
    return call(
            base,
            managementKey,
            "POST",
            "/v2/session/apps/" + id + "/keys",
            "{\"mode\":\"" + mode + "\"}")
        .get("key")
        .asText();
  }

  private static JsonNode call(
      String base, String managementKey, String method, String path, String json)
      throws IOException, InterruptedException {
    HttpResponse<String> r =
        CLIENT.send(
            HttpRequest.newBuilder(URI.create(base + path))
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + managementKey)
                .header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(json))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() / 100 != 2) {
      throw new IOException(method + " " + path + " answered " + r.statusCode() + ": " + r.body());
    }
    return Json.MAPPER.readTree(r.body());
  }
}
