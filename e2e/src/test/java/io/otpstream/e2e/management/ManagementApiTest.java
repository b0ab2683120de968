package io.otpstream.e2e.management;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.otpstream.common.outbox.Outbox;
import io.otpstream.e2e.support.Http;
import io.otpstream.e2e.support.SharedKafka;
import io.otpstream.e2e.support.TestPipeline;
import io.otpstream.e2e.support.TopicReader;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The management API (Bearer management key): apps, API keys, OTP login configs (seed 002) and
 * contacts.
 */
class ManagementApiTest {
  private static TestPipeline pipeline;
  private static Http http;
  private static Map<String, String> auth;

  @BeforeAll
  static void start() throws Exception {
    Outbox outbox = TestPipeline.newOutbox();
    pipeline = TestPipeline.start("management", outbox);
    http = new Http(pipeline.baseUrl());
    auth =
        Map.of(
            "Authorization",
            "Bearer " + pipeline.managementKey,
            "Content-Type",
            "application/json");
  }

  @AfterAll
  static void stop() {
    pipeline.close();
  }

  private static void assertError(Http.Response r, int status, String code) {
    assertEquals(status, r.status(), r.raw());
    assertEquals(code, r.json().get("code").asText(), r.raw());
    assertFalse(r.json().get("message").asText().isBlank(), r.raw());
  }

  private static String createApp(String name) {
    Http.Response r =
        http.exchange("POST", "/v2/session/apps", auth, "{\"name\": \"" + name + "\"}");
    assertEquals(201, r.status(), r.raw());
    return r.json().get("id").asText();
  }

  @Test
  void every_management_endpoint_needs_the_management_key() {
    String app = "/v2/session/apps/" + pipeline.appId;
    List<String[]> calls =
        List.of(
            new String[] {"POST", "/v2/session/apps"},
            new String[] {"GET", "/v2/session/apps"},
            new String[] {"GET", app},
            new String[] {"PATCH", app},
            new String[] {"POST", app + "/keys"},
            new String[] {"GET", app + "/keys"},
            new String[] {"DELETE", app + "/keys/key_0000000000000000"},
            new String[] {"POST", app + "/config/login/otp"},
            new String[] {"GET", app + "/config/login/otp"},
            new String[] {"GET", app + "/config/login/otp/lcfg_x"},
            new String[] {"DELETE", app + "/config/login/otp/lcfg_x"},
            new String[] {"PUT", app + "/contacts/ada"},
            new String[] {"GET", app + "/contacts/ada"},
            new String[] {"DELETE", app + "/contacts/ada"},
            new String[] {"POST", app + "/challenge-tokens"},
            new String[] {"GET", "/v2/apps/" + pipeline.appId + "/settings"});
    for (Map<String, String> headers :
        List.of(
            Map.of("Content-Type", "application/json"),
            Map.of("Content-Type", "application/json", "Authorization", "Bearer mk_not_a_key"),
            Map.of(
                "Content-Type",
                "application/json",
                "Authorization",
                "Basic " + pipeline.managementKey),
            Map.of(
                "Content-Type",
                "application/json",
                "Authorization",
                "Bearer " + pipeline.liveKey))) {
      for (String[] call : calls) {
        Http.Response r = http.exchange(call[0], call[1], headers, "{}");
        assertEquals(
            401, r.status(), call[0] + " " + call[1] + " with " + headers + ": " + r.raw());
        assertEquals("unauthorized", r.json().get("code").asText());
      }
    }
  }

  @Test
  void apps_are_created_listed_read_and_updated() {
    Http.Response created =
        http.exchange(
            "POST",
            "/v2/session/apps",
            auth,
            "{\"name\": \"Shop\", \"allowed_origins\": [\"https://Shop.Example.com\", \"http://localhost:5173\"]}");
    assertEquals(201, created.status(), created.raw());
    String id = created.json().get("id").asText();
    assertTrue(id.matches("app-[0-9a-z]{26}"), id);
    assertEquals(
        List.of("https://shop.example.com", "http://localhost:5173"),
        strings(created.json().get("allowed_origins")));

    assertEquals("Shop", http.get("/v2/session/apps/" + id, auth).json().get("name").asText());
    List<String> ids = new ArrayList<>();
    http.get("/v2/session/apps", auth)
        .json()
        .get("apps")
        .forEach(a -> ids.add(a.get("id").asText()));
    assertTrue(ids.contains(id) && ids.contains(pipeline.appId), ids.toString());
    Http.Response patched =
        http.exchange("PATCH", "/v2/session/apps/" + id, auth, "{\"name\": \"Shop 2\"}");
    assertEquals(200, patched.status(), patched.raw());
    assertEquals("Shop 2", patched.json().get("name").asText());
    assertEquals(
        2, patched.json().get("allowed_origins").size(), "fields left out of a PATCH stay");

    assertError(http.exchange("POST", "/v2/session/apps", auth, "{}"), 400, "bad_request");
    assertError(
        http.exchange(
            "POST",
            "/v2/session/apps",
            auth,
            "{\"name\": \"x\", \"allowed_origins\": [\"https://a.com/path\"]}"),
        400,
        "bad_request");
    assertError(
        http.exchange("POST", "/v2/session/apps", auth, "{\"name\": \"x\", \"colour\": \"red\"}"),
        400,
        "bad_request");
    assertError(
        http.exchange("POST", "/v2/session/apps", auth, "{\"name\": 12}"), 400, "bad_request");
    assertError(http.get("/v2/session/apps/app-nope", auth), 404, "not_found");
  }

  @Test
  void an_api_key_is_shown_once_stored_hashed_works_at_once_and_stops_working_when_revoked() {
    String app = createApp("Keys");
    Http.Response created =
        http.exchange("POST", "/v2/session/apps/" + app + "/keys", auth, "{\"mode\": \"test\"}");
    assertEquals(201, created.status(), created.raw());
    String key = created.json().get("key").asText();
    String keyId = created.json().get("id").asText();
    assertTrue(key.startsWith("sk_test_"), key);

    Http.Response listed = http.get("/v2/session/apps/" + app + "/keys", auth);
    assertEquals(keyId, listed.json().get("keys").get(0).get("id").asText());
    assertFalse(listed.raw().contains(key), "a listing never shows the key");
    List<String> catalogue = new ArrayList<>();
    TopicReader.readAll(SharedKafka.bootstrapServers(), pipeline.kafka.topics().apps.name())
        .forEach(
            r ->
                catalogue.add(
                    new String(r.key(), java.nio.charset.StandardCharsets.ISO_8859_1)
                        + " "
                        + new String(
                            r.value() == null ? new byte[0] : r.value(),
                            java.nio.charset.StandardCharsets.ISO_8859_1)));
    assertTrue(
        catalogue.stream().noneMatch(s -> s.contains(key)), "otp.apps holds the key's hash only");

    Http.Response sent =
        http.postJson(
            "/api/v1/otp/send",
            key,
            Map.of(
                "channels", List.of("email"), "recipients", Map.of("email", "keys@example.com")));
    assertEquals(200, sent.status(), sent.raw());
    assertTrue(sent.json().get("data").get("otps").has("email"), "a test key is sandboxed");

    assertEquals(
        204,
        http.exchange("DELETE", "/v2/session/apps/" + app + "/keys/" + keyId, auth, (String) null)
            .status());
    assertEquals(
        401,
        http.postJson(
                "/api/v1/otp/send",
                key,
                Map.of(
                    "channels",
                    List.of("email"),
                    "recipients",
                    Map.of("email", "keys@example.com")))
            .status());
    assertEquals(0, http.get("/v2/session/apps/" + app + "/keys", auth).json().get("keys").size());
    assertError(
        http.exchange("DELETE", "/v2/session/apps/" + app + "/keys/" + keyId, auth, (String) null),
        404,
        "not_found");
    assertError(
        http.exchange("POST", "/v2/session/apps/" + app + "/keys", auth, "{\"mode\": \"prod\"}"),
        400,
        "bad_request");
  }

  @Test
  void login_configs_follow_seed_002_with_one_default_per_channel() {
    String app = createApp("Login configs");
    String path = "/v2/session/apps/" + app + "/config/login/otp";
    Http.Response first =
        http.exchange(
            "POST",
            path,
            auth,
            "{\"config_type\": \"otp\", \"channel_type\": \"sms\", \"is_default\": true}");
    assertEquals(201, first.status(), first.raw());
    JsonNode c = first.json();
    assertTrue(c.get("id").asText().matches("lcfg_[0-9a-z]{26}"), c.toString());
    assertEquals("otp", c.get("config_type").asText());
    assertEquals("sms", c.get("channel_type").asText());
    assertTrue(c.get("is_default").asBoolean());
    assertFalse(
        c.get("grant_change_password").asBoolean(), "grant_change_password defaults to false");
    assertTrue(c.get("template_id").isNull() && c.get("sender_id").isNull());

    Http.Response second =
        http.exchange(
            "POST",
            path,
            auth,
            "{\"config_type\": \"otp\", \"channel_type\": \"sms\", \"is_default\": true,"
                + " \"template_id\": \"tpl_login\", \"sender_id\": \"Acme\", \"grant_change_password\": true}");
    assertEquals(201, second.status(), second.raw());
    String secondId = second.json().get("id").asText();
    Http.Response email =
        http.exchange(
            "POST",
            path,
            auth,
            "{\"config_type\": \"otp\", \"channel_type\": \"email\", \"is_default\": true}");
    assertEquals(201, email.status());

    JsonNode all = http.get(path, auth).json().get("configs");
    assertEquals(3, all.size());
    Map<String, Boolean> defaults = new LinkedHashMap<>();
    all.forEach(n -> defaults.put(n.get("id").asText(), n.get("is_default").asBoolean()));
    assertEquals(
        Boolean.FALSE,
        defaults.get(c.get("id").asText()),
        "the newer sms default replaced the first");
    assertEquals(Boolean.TRUE, defaults.get(secondId));
    assertEquals(
        Boolean.TRUE, defaults.get(email.json().get("id").asText()), "one default per channel");
    assertEquals("Acme", http.get(path + "/" + secondId, auth).json().get("sender_id").asText());

    assertEquals(204, http.exchange("DELETE", path + "/" + secondId, auth, (String) null).status());
    assertError(http.get(path + "/" + secondId, auth), 404, "not_found");
    assertEquals(2, http.get(path, auth).json().get("configs").size());

    for (String bad :
        List.of(
            "{\"channel_type\": \"sms\", \"is_default\": true}",
            "{\"config_type\": \"password\", \"channel_type\": \"sms\", \"is_default\": true}",
            "{\"config_type\": \"otp\", \"is_default\": true}",
            "{\"config_type\": \"otp\", \"channel_type\": \"voice\", \"is_default\": true}",
            "{\"config_type\": \"otp\", \"channel_type\": \"sms\"}",
            "{\"config_type\": \"otp\", \"channel_type\": \"sms\", \"is_default\": \"yes\"}",
            "{\"config_type\": \"otp\", \"channel_type\": \"sms\", \"is_default\": true, \"sender_id\": \"TwelveLetters\"}",
            "[]",
            "{")) {
      assertError(http.exchange("POST", path, auth, bad), 400, "bad_request");
    }
    assertError(
        http.exchange(
            "POST",
            "/v2/session/apps/app-nope/config/login/otp",
            auth,
            "{\"config_type\": \"otp\", \"channel_type\": \"sms\", \"is_default\": true}"),
        404,
        "not_found");
  }

  @Test
  void contacts_are_put_read_and_deleted_and_validated() {
    String path = "/v2/session/apps/" + pipeline.appId + "/contacts/ada.lovelace";
    Http.Response put =
        http.exchange(
            "PUT",
            path,
            auth,
            "{\"email\": \"Ada@Example.com\", \"phone_number\": \"+33 6 12 34 56 78\"}");
    assertEquals(200, put.status(), put.raw());
    assertEquals("ada@example.com", put.json().get("email").asText());
    assertEquals("+33612345678", put.json().get("phone_number").asText());
    assertEquals("+33612345678", http.get(path, auth).json().get("phone_number").asText());
    assertError(http.exchange("PUT", path, auth, "{}"), 400, "bad_request");
    assertError(
        http.exchange("PUT", path, auth, "{\"phone_number\": \"0612345678\"}"), 400, "bad_request");
    assertError(
        http.exchange(
            "PUT",
            "/v2/session/apps/" + pipeline.appId + "/contacts/bad%20name",
            auth,
            "{\"email\": \"a@b.co\"}"),
        400,
        "bad_request");
    assertEquals(204, http.exchange("DELETE", path, auth, (String) null).status());
    assertError(http.get(path, auth), 404, "not_found");
  }

  @Test
  void a_challenge_token_request_is_validated() {
    String path = "/v2/session/apps/" + pipeline.appId + "/challenge-tokens";
    assertError(http.exchange("POST", path, auth, "{}"), 400, "bad_request");
    assertError(
        http.exchange(
            "POST",
            path,
            auth,
            "{\"identifier\": {\"type\": \"phone_number\", \"value\": \"12\"}}"),
        400,
        "bad_request");
    Http.Response ok =
        http.exchange(
            "POST",
            path,
            auth,
            "{\"identifier\": {\"type\": \"phone_number\", \"value\": \"+14155550123\"}}");
    assertEquals(201, ok.status(), ok.raw());
    long expiresAt = ok.json().get("expires_at").asLong();
    assertTrue(
        Math.abs(expiresAt - java.time.Instant.now().plusSeconds(300).getEpochSecond()) < 30,
        "unix seconds: " + expiresAt);
  }

  private static List<String> strings(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }
}
