package io.otpstream.dev.local;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.otpstream.api.apps.AppCatalog;
import io.otpstream.common.files.OwnerOnly;
import io.otpstream.common.json.Json;
import io.otpstream.schemas.apps.KeyMode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The demo app's credentials, kept in {@code dev-credentials.json} in the data folder: the only
 * place the plain keys exist (the catalogue holds their hashes), so only its owner may read it.
 */
public record DevCredentials(
    @JsonProperty("app_id") String appId,
    @JsonProperty("live_key") String liveKey,
    @JsonProperty("test_key") String testKey,
    @JsonProperty("management_key") String managementKey,
    @JsonProperty("api_url") String apiUrl) {

  public static final String APP_ID = "demo";

  /**
   * Reuses the saved credentials, or creates the demo app and its keys. Saved credentials are not
   * written again: the catalogue already holds them, with any change made since through the
   * management API (a revoked key stays revoked, the app's origins stay).
   */
  public static DevCredentials ensure(Path file, AppCatalog catalog, String apiUrl)
      throws IOException {
    DevCredentials c;
    if (Files.exists(file)) {
      DevCredentials saved = Json.MAPPER.readValue(file.toFile(), DevCredentials.class);
      c =
          new DevCredentials(
              saved.appId(), saved.liveKey(), saved.testKey(), saved.managementKey(), apiUrl);
    } else {
      catalog.putApp(APP_ID, "otpstream demo");
      c =
          new DevCredentials(
              APP_ID,
              catalog.createApiKey(APP_ID, KeyMode.LIVE),
              catalog.createApiKey(APP_ID, KeyMode.TEST),
              catalog.createManagementKey(),
              apiUrl);
    }
    OwnerOnly.writeString(
        file, Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(c) + "\n");
    return c;
  }
}
