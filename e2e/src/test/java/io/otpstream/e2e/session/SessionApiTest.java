package io.otpstream.e2e.session;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.Ed25519Verifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.otpstream.api.token.ChallengeTokens;
import io.otpstream.api.token.SigningKeys;
import io.otpstream.api.token.Verification;
import io.otpstream.api.token.VerificationTokens;
import io.otpstream.common.code.OtpCodes;
import io.otpstream.common.destination.SealedDestinations;
import io.otpstream.common.outbox.Outbox;
import io.otpstream.common.outbox.OutboxMessage;
import io.otpstream.dispatcher.provider.OutboxProvider;
import io.otpstream.e2e.support.DpopProof;
import io.otpstream.e2e.support.Http;
import io.otpstream.e2e.support.SeedSchemas;
import io.otpstream.e2e.support.TestPipeline;
import io.otpstream.schemas.apps.AppSettings;
import io.otpstream.schemas.apps.Limit;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Prelude-compatible session API, black-box over HTTP against the running pipeline: login,
 * standalone and step-up OTP, cookies, tokens, DPoP and CORS. Responses of seed 000's and 001's
 * operations are validated against the seeds' own OpenAPI schemas.
 */
class SessionApiTest {
  static final SeedSchemas RETRY_SEED = SeedSchemas.load("seeds/prelude-otp-retry.yaml");
  static final SeedSchemas CREATE_SEED = SeedSchemas.load("seeds/prelude-otp-create.yaml");

  /**
   * {@code X-SDK-User-Agent} of {@code @prelude.so/js-sdk} 0.6.0 with its core wasm (get_version()
   * 0.1.2).
   */
  static final String SDK_USER_AGENT = "Prelude/0.6.0 Core/0.1.2 (Web)";

  private static final Pattern CODE = Pattern.compile("(\\d{6})");
  private static final AtomicInteger PHONES = new AtomicInteger();

  private static TestPipeline pipeline;
  private static Outbox outbox;
  private static Http http;
  private static String host;

  @BeforeAll
  static void start() throws Exception {
    outbox = TestPipeline.newOutbox();
    OutboxProvider sms = new OutboxProvider(outbox, "sms", Clock.systemUTC());
    OutboxProvider email = new OutboxProvider(outbox, "email", Clock.systemUTC());
    // two sessions per subject per hour, so the third is blocked; the default 30 s cooldown stays
    pipeline =
        TestPipeline.start(
            "session",
            sms,
            email,
            s ->
                AppSettings.newBuilder(s)
                    .setVersion(1)
                    .setSendsPerSubject(new Limit(2, 3600))
                    .build());
    http = new Http(pipeline.baseUrl());
    host = pipeline.appId + ".localhost";
  }

  @AfterAll
  static void stop() {
    pipeline.close();
  }

  static String newPhone() {
    return "+3361234" + String.format("%04d", PHONES.incrementAndGet());
  }

  static Map<String, String> json(String cookie) {
    Map<String, String> h = new LinkedHashMap<>();
    h.put("Host", host);
    h.put("Content-Type", "application/json");
    if (cookie != null) {
      h.put("Cookie", cookie);
    }
    return h;
  }

  /** The headers of a JSON request to another app's host, with its cookie if not null. */
  static Map<String, String> json(String appHost, String cookie) {
    Map<String, String> h = json(cookie);
    h.put("Host", appHost);
    return h;
  }

  /**
   * A browser's request with the cookie: {@code Origin} and {@code Sec-Fetch-Site} as a browser
   * sets them (null: the header is absent), {@code Content-Type: application/json}.
   */
  static Map<String, String> browser(
      String appHost, String cookie, String origin, String fetchSite) {
    Map<String, String> h = json(appHost, cookie);
    if (origin != null) {
      h.put("Origin", origin);
    }
    if (fetchSite != null) {
      h.put("Sec-Fetch-Site", fetchSite);
      h.put("Sec-Fetch-Mode", "cors");
      h.put("Sec-Fetch-Dest", "empty");
    }
    return h;
  }

  /**
   * An app of its own, made through the management API, with no resend cooldown and these allowed
   * origins.
   */
  static String newApp(String name, String... allowedOrigins) {
    return newAppWithSettings(name, "{\"resend_cooldown_seconds\": 0}", allowedOrigins);
  }

  /**
   * An app of its own, made through the management API, with these settings (PUT) and allowed
   * origins.
   */
  static String newAppWithSettings(String name, String settingsJson, String... allowedOrigins) {
    Map<String, String> auth =
        Map.of(
            "Authorization",
            "Bearer " + pipeline.managementKey,
            "Content-Type",
            "application/json");
    StringBuilder origins = new StringBuilder();
    for (String o : allowedOrigins) {
      origins.append(origins.length() == 0 ? "" : ", ").append('"').append(o).append('"');
    }
    Http.Response app =
        http.exchange(
            "POST",
            "/v2/session/apps",
            auth,
            "{\"name\": \"" + name + "\", \"allowed_origins\": [" + origins + "]}");
    assertEquals(201, app.status(), app.raw());
    String appId = app.json().get("id").asText();
    Http.Response settings =
        http.exchange("PUT", "/v2/apps/" + appId + "/settings", auth, settingsJson);
    assertEquals(200, settings.status(), settings.raw());
    return appId;
  }

  static String identifier(String type, String value) {
    return "{\"identifier\": {\"type\": \"" + type + "\", \"value\": \"" + value + "\"}}";
  }

  /** The cookie pair a 204 set, e.g. {@code __Host-verification-login_app=…}. */
  static String cookie(Http.Response r) {
    String setCookie = r.header("Set-Cookie");
    assertNotNull(setCookie, "no Set-Cookie in " + r.headers().map());
    return setCookie.split(";", 2)[0];
  }

  static String codeFor(String to, int count) {
    List<OutboxMessage> messages =
        await()
            .atMost(Duration.ofSeconds(30))
            .until(
                () -> outbox.list().stream().filter(m -> m.to().equals(to)).toList(),
                l -> l.size() >= count);
    Matcher m = CODE.matcher(messages.get(0).body()); // newest first
    assertTrue(m.find(), messages.get(0).body());
    return m.group(1);
  }

  static void assertSeed(SeedSchemas seed, String path, Http.Response r) {
    assertTrue(
        seed.declares(path, "post", r.status()),
        path
            + " answered "
            + r.status()
            + ", which seed "
            + seed.resource()
            + " does not declare: "
            + r.raw());
    List<String> problems = seed.validate(path, "post", r.status(), r.raw());
    assertTrue(problems.isEmpty(), problems + " in " + r.raw());
  }

  static void assertError(Http.Response r, int status, String code, String type) {
    assertEquals(status, r.status(), r.raw());
    assertEquals(code, r.json().get("code").asText(), r.raw());
    assertEquals(type, r.json().get("type").asText(), r.raw());
    assertFalse(r.json().get("message").asText().isBlank());
  }

  @Test
  void
      login_sends_a_code_sets_the_verification_cookie_and_a_right_code_answers_an_eddsa_access_token()
          throws Exception {
    String phone = newPhone();
    Http.Response started =
        http.exchange(
            "POST", "/v1/session/login/otp", json(null), identifier("phone_number", phone));
    assertEquals(204, started.status(), started.raw());
    assertEquals("", started.raw());
    String setCookie = started.header("Set-Cookie");
    assertTrue(
        setCookie.startsWith("__Host-verification-login_" + pipeline.appId + "="), setCookie);
    for (String attribute : List.of("Path=/", "Secure", "HttpOnly", "SameSite=None")) {
      assertTrue(setCookie.contains("; " + attribute), attribute + " missing in " + setCookie);
    }
    assertFalse(setCookie.contains("Domain="), "__Host- cookies have no Domain");
    String cookie = cookie(started);
    String payload =
        new String(
            java.util.Base64.getUrlDecoder().decode(cookie.split("=", 2)[1].split("\\.")[1]));
    assertFalse(payload.contains(phone.substring(1)), "the cookie shows no phone: " + payload);

    String code = codeFor(phone, 1);
    Http.Response wrong =
        http.exchange(
            "POST",
            "/v1/session/login/otp/check",
            json(cookie),
            "{\"code\": \"" + (code.equals("000000") ? "111111" : "000000") + "\"}");
    assertError(wrong, 400, "bad_check_code", "bad_request");

    Http.Response checked =
        http.exchange(
            "POST", "/v1/session/login/otp/check", json(cookie), "{\"code\": \"" + code + "\"}");
    assertEquals(200, checked.status(), checked.raw());
    assertTrue(
        checked.header("Set-Cookie").contains("Max-Age=0"),
        "a finished verification clears its cookie");
    long expiresAt = checked.json().get("expires_at").asLong();
    assertTrue(
        Math.abs(expiresAt - Instant.now().plus(Duration.ofMinutes(15)).getEpochSecond()) < 60,
        "unix seconds: " + expiresAt);

    SignedJWT token = SignedJWT.parse(checked.json().get("access_token").asText());
    JWKSet jwks = JWKSet.parse(http.get("/.well-known/jwks.json").raw());
    OctetKeyPair key = (OctetKeyPair) jwks.getKeyByKeyId(token.getHeader().getKeyID());
    assertNotNull(key, "the token's kid is published");
    assertEquals(JWSAlgorithm.EdDSA, token.getHeader().getAlgorithm());
    assertTrue(token.verify(new Ed25519Verifier(key)));
    JWTClaimsSet claims = token.getJWTClaimsSet();
    assertEquals(List.of(pipeline.appId), claims.getAudience());
    assertEquals("https://" + host, claims.getIssuer());
    assertEquals("phone_number", claims.getStringClaim("identifier_type"));
    assertTrue(claims.getSubject().startsWith("sub_"));
    assertFalse(
        token.getPayload().toString().contains(phone.substring(1)), "no phone in the access token");
    assertNull(claims.getClaim("cnf"));

    Http.Response replay =
        http.exchange(
            "POST", "/v1/session/login/otp/check", json(cookie), "{\"code\": \"" + code + "\"}");
    assertError(replay, 401, "unauthorized", "unauthorized");
  }

  @Test
  void a_login_config_sets_the_template_and_sender_id_of_the_deliveries() {
    Map<String, String> auth =
        Map.of(
            "Authorization",
            "Bearer " + pipeline.managementKey,
            "Content-Type",
            "application/json");
    Http.Response config =
        http.exchange(
            "POST",
            "/v2/session/apps/" + pipeline.appId + "/config/login/otp",
            auth,
            "{\"config_type\": \"otp\", \"channel_type\": \"sms\", \"is_default\": false, \"template_id\": \"tpl_login\", \"sender_id\": \"Acme\"}");
    assertEquals(201, config.status(), config.raw());
    String phone = newPhone();
    Http.Response started =
        http.exchange(
            "POST",
            "/v1/session/login/otp",
            json(null),
            "{\"identifier\": {\"type\": \"phone_number\", \"value\": \""
                + phone
                + "\"}, \"login_config_id\": \""
                + config.json().get("id").asText()
                + "\"}");
    assertEquals(204, started.status(), started.raw());
    var deserializer = pipeline.kafka.topics().deliverySms.valueSerde().deserializer();
    io.otpstream.schemas.delivery.DeliveryRequested delivery =
        await()
            .atMost(Duration.ofSeconds(30))
            .until(
                () ->
                    io.otpstream.e2e.support.TopicReader.readAll(
                            io.otpstream.e2e.support.SharedKafka.bootstrapServers(),
                            pipeline.kafka.topics().deliverySms.name())
                        .stream()
                        .map(r -> deserializer.deserialize(r.topic(), r.value()))
                        .filter(
                            d ->
                                new SealedDestinations(pipeline.secrets)
                                    .open(d.getAppId(), d.getDestination())
                                    .equals(phone))
                        .findFirst(),
                java.util.Optional::isPresent)
            .orElseThrow();
    assertFalse(
        delivery.getDestination().contains(phone.substring(1)), "the destination travels sealed");
    assertEquals("Acme", delivery.getSenderId());
    assertError(
        http.exchange(
            "POST",
            "/v1/session/login/otp",
            json(null),
            "{\"identifier\": {\"type\": \"email_address\", \"value\": \"cfg@example.com\"}, \"login_config_id\": \""
                + config.json().get("id").asText()
                + "\"}"),
        400,
        "bad_request",
        "bad_request");
    assertEquals("tpl_login", delivery.getTemplateId());
  }

  @Test
  void login_refuses_bad_requests_with_prelude_errors() {
    assertError(
        http.exchange("POST", "/v1/session/login/otp", json(null), "{}"),
        400,
        "bad_request",
        "bad_request");
    assertError(
        http.exchange("POST", "/v1/session/login/otp", json(null), "{not json"),
        400,
        "bad_request",
        "bad_request");
    assertError(
        http.exchange(
            "POST", "/v1/session/login/otp", json(null), identifier("phone_number", "0612345678")),
        400,
        "invalid_identifier",
        "bad_request");
    assertError(
        http.exchange(
            "POST",
            "/v1/session/login/otp",
            json(null),
            identifier("email_address", "not-an-email")),
        400,
        "invalid_identifier",
        "bad_request");
    assertError(
        http.exchange("POST", "/v1/session/login/otp", json(null), identifier("username", "ada")),
        400,
        "invalid_identifier",
        "bad_request");
    assertError(
        http.exchange(
            "POST",
            "/v1/session/login/otp",
            json(null),
            "{\"identifier\": {\"type\": \"email_address\", \"value\": \""
                + "a".repeat(310)
                + "@example.com\"}}"),
        400,
        "invalid_identifier",
        "bad_request");
    Map<String, String> textPlain = new LinkedHashMap<>(json(null));
    textPlain.put("Content-Type", "text/plain");
    assertError(
        http.exchange(
            "POST", "/v1/session/login/otp", textPlain, identifier("phone_number", newPhone())),
        400,
        "bad_request",
        "bad_request");
    Map<String, String> unknownApp = new LinkedHashMap<>(json(null));
    unknownApp.put("Host", "nosuchapp.localhost");
    assertError(
        http.exchange(
            "POST", "/v1/session/login/otp", unknownApp, identifier("phone_number", newPhone())),
        400,
        "bad_request",
        "bad_request");
    assertError(
        http.exchange(
            "POST",
            "/v1/session/login/otp",
            json(null),
            "{\"identifier\": {\"type\": \"phone_number\", \"value\": \""
                + newPhone()
                + "\"}, \"login_config_id\": \"lcfg_nope\"}"),
        400,
        "bad_request",
        "bad_request");
    assertError(
        http.exchange("POST", "/v1/session/login/otp/check", json(null), "{\"code\": \"123456\"}"),
        401,
        "unauthorized",
        "unauthorized");
  }

  @Test
  void standalone_otp_follows_seed_001_and_its_retry_and_check_seed_000() {
    String email = "standalone-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
    Http.Response started =
        http.exchange("POST", "/v1/session/otp", json(null), identifier("email_address", email));
    assertSeed(CREATE_SEED, "/v1/session/otp", started);
    assertEquals(204, started.status());
    String cookie = cookie(started);

    Http.Response cooled = http.exchange("POST", "/v1/session/otp/retry", json(cookie), "");
    assertSeed(RETRY_SEED, "/v1/session/otp/retry", cooled);
    assertError(cooled, 403, "auth_blocked", "forbidden");
    assertEquals("resend_cooldown_seconds", cooled.header("X-Otp-Rule"));
    int retryAfter = Integer.parseInt(cooled.header("Retry-After"));
    assertTrue(retryAfter >= 1 && retryAfter <= 30, "Retry-After " + retryAfter);

    for (String bad :
        new String[] {
          null, "__Host-verification-login_" + pipeline.appId + "=forged.token.value"
        }) {
      Http.Response r = http.exchange("POST", "/v1/session/otp/retry", json(bad), "");
      assertSeed(RETRY_SEED, "/v1/session/otp/retry", r);
      assertError(r, 401, "unauthorized", "unauthorized");
    }
    Http.Response loginCookieOnOtp =
        http.exchange("POST", "/v1/session/login/otp/retry", json(cookie), "");
    assertError(loginCookieOnOtp, 401, "unauthorized", "unauthorized");

    String code = codeFor(email, 1);
    Http.Response checked =
        http.exchange(
            "POST", "/v1/session/otp/check", json(cookie), "{\"code\": \"" + code + "\"}");
    assertEquals(200, checked.status(), checked.raw());
    ChallengeTokens.Verified v =
        new ChallengeTokens(new SigningKeys(pipeline.secrets), pipeline.secrets)
            .parseVerified(
                checked.json().get("challenge_token").asText(), pipeline.appId, Instant.now())
            .orElseThrow();
    assertTrue(v.subjectId().startsWith("sub_"));

    Http.Response after = http.exchange("POST", "/v1/session/otp/retry", json(cookie), "");
    assertSeed(RETRY_SEED, "/v1/session/otp/retry", after);
    assertEquals(401, after.status(), "a verified session cannot be resent");
  }

  @Test
  void a_retry_with_the_cookie_and_no_body_nor_content_type_answers_204_as_seed_000_defines_it() {
    String appHost = newApp("Bare retry") + ".session.example.com";
    for (String flow : List.of("/v1/session/otp", "/v1/session/login/otp")) {
      Http.Response started =
          http.exchange("POST", flow, json(appHost, null), identifier("phone_number", newPhone()));
      if (flow.equals("/v1/session/otp")) {
        assertSeed(CREATE_SEED, "/v1/session/otp", started);
      }
      assertEquals(204, started.status(), started.raw());
      Map<String, String> bare = new LinkedHashMap<>();
      bare.put("Host", appHost);
      bare.put("Cookie", cookie(started));
      Http.Response retried = http.exchange("POST", flow + "/retry", bare, (String) null);
      if (flow.equals("/v1/session/otp")) {
        assertSeed(RETRY_SEED, "/v1/session/otp/retry", retried);
      }
      assertEquals(204, retried.status(), flow + "/retry: " + retried.raw());
      assertEquals("", retried.raw());
      // any body and any Content-Type are ignored
      Map<String, String> form = new LinkedHashMap<>(bare);
      form.put("Content-Type", "text/plain");
      Http.Response withBody = http.exchange("POST", flow + "/retry", form, "not json");
      if (flow.equals("/v1/session/otp")) {
        assertSeed(RETRY_SEED, "/v1/session/otp/retry", withBody);
      }
      assertEquals(204, withBody.status(), flow + "/retry with a text body: " + withBody.raw());
    }
  }

  @Test
  void the_cookie_endpoints_refuse_a_browser_request_from_another_site_with_seed_000s_401() {
    String appHost = newApp("Guarded", "https://shop.example.com") + ".session.example.com";
    String email = "guarded-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
    Http.Response started =
        http.exchange(
            "POST", "/v1/session/otp", json(appHost, null), identifier("email_address", email));
    assertSeed(CREATE_SEED, "/v1/session/otp", started);
    assertEquals(204, started.status(), started.raw());
    String cookie = cookie(started);
    String phone = newPhone();
    Http.Response login =
        http.exchange(
            "POST",
            "/v1/session/login/otp",
            json(appHost, null),
            identifier("phone_number", phone));
    assertEquals(204, login.status(), login.raw());
    String loginCookie = cookie(login);

    List<String[]> foreign =
        List.of(
            new String[] {"https://evil.example", "cross-site"},
            new String[] {"https://evil.example", null}, // a browser without Fetch Metadata
            new String[] {"null", "cross-site"}, // a sandboxed frame, a data: URL
            new String[] {null, "cross-site"}, // no Origin, but the browser says another site
            new String[] {"https://shop.example.com.evil.example", "cross-site"},
            new String[] {
              "http://shop.example.com", "cross-site"
            }, // not the allowed origin's scheme
            new String[] {"https://" + appHost + ".evil.example", "cross-site"});
    for (String[] f : foreign) {
      String from = "Origin " + f[0] + ", Sec-Fetch-Site " + f[1];
      Http.Response retry =
          http.exchange("POST", "/v1/session/otp/retry", browser(appHost, cookie, f[0], f[1]), "");
      assertSeed(RETRY_SEED, "/v1/session/otp/retry", retry);
      assertEquals(401, retry.status(), from + ": " + retry.raw());
      assertError(retry, 401, "unauthorized", "unauthorized");
      Http.Response check =
          http.exchange(
              "POST",
              "/v1/session/otp/check",
              browser(appHost, cookie, f[0], f[1]),
              "{\"code\": \"000000\"}");
      assertEquals(401, check.status(), from + ": " + check.raw());
      assertError(check, 401, "unauthorized", "unauthorized");
      assertError(
          http.exchange(
              "POST", "/v1/session/login/otp/retry", browser(appHost, loginCookie, f[0], f[1]), ""),
          401,
          "unauthorized",
          "unauthorized");
      assertError(
          http.exchange(
              "POST",
              "/v1/session/login/otp/check",
              browser(appHost, loginCookie, f[0], f[1]),
              "{\"code\": \"000000\"}"),
          401,
          "unauthorized",
          "unauthorized");
    }

    Http.Response fromShop =
        http.exchange(
            "POST",
            "/v1/session/otp/retry",
            browser(appHost, cookie, "https://shop.example.com", "cross-site"),
            "");
    assertSeed(RETRY_SEED, "/v1/session/otp/retry", fromShop);
    assertEquals(204, fromShop.status(), "an allowed origin: " + fromShop.raw());
    Http.Response sameOrigin =
        http.exchange(
            "POST",
            "/v1/session/otp/retry",
            browser(appHost, cookie, "http://" + appHost, "same-origin"),
            "");
    assertSeed(RETRY_SEED, "/v1/session/otp/retry", sameOrigin);
    assertEquals(204, sameOrigin.status(), "the app's own origin: " + sameOrigin.raw());
    Http.Response checked =
        http.exchange(
            "POST",
            "/v1/session/otp/check",
            browser(appHost, cookie, "https://shop.example.com", "cross-site"),
            "{\"code\": \"" + codeFor(email, 3) + "\"}");
    assertEquals(
        200,
        checked.status(),
        "an allowed origin checks, and no refused attempt was counted: " + checked.raw());

    Http.Response loginChecked =
        http.exchange(
            "POST",
            "/v1/session/login/otp/check",
            browser(appHost, loginCookie, "http://" + appHost, "same-origin"),
            "{\"code\": \"" + codeFor(phone, 1) + "\"}");
    assertEquals(200, loginChecked.status(), "the app's own origin checks: " + loginChecked.raw());
  }

  /**
   * What {@code @prelude.so/js-sdk} 0.6.0 ({@code PrldSessionClient}) sends, replayed as a browser
   * sends it from a front end on another site that the app allows: each call's preflight, then the
   * call with the SDK's headers ({@code Content-Type} and {@code Accept: application/json}, {@code
   * X-SDK-User-Agent}, a {@code DPoP} proof on the checks), its body as it serialises it ({@code
   * JSON.stringify}, no spaces; none on the retries), {@code credentials: "include"} (the cookie)
   * and the browser's {@code Origin} and Fetch Metadata.
   */
  @Test
  void what_prelude_s_web_sdk_sends_from_an_allowed_front_end_on_another_site_is_accepted()
      throws Exception {
    String front = "https://shop.example.org";
    String appId = newApp("SDK front end", front);
    String appHost = appId + ".session.example.com";

    // startOTPLogin({identifier}), retryOTP(), checkOTP(code) with its DPoP middleware
    String phone = newPhone();
    Http.Response started =
        sdk(
            front,
            appHost,
            null,
            "/v1/session/login/otp",
            "{\"identifier\":{\"type\":\"phone_number\",\"value\":\"" + phone + "\"}}",
            null);
    assertEquals(204, started.status(), started.raw());
    String cookie = cookie(started);
    Http.Response retried = sdk(front, appHost, cookie, "/v1/session/login/otp/retry", null, null);
    assertEquals(204, retried.status(), retried.raw());
    ECKey deviceKey = new ECKeyGenerator(Curve.P_256).generate();
    String checkUrl = "https://" + appHost + "/v1/session/login/otp/check";
    Http.Response checked =
        sdk(
            front,
            appHost,
            cookie,
            "/v1/session/login/otp/check",
            "{\"code\":\"" + codeFor(phone, 2) + "\"}",
            sdkProof(deviceKey, checkUrl, UUID.randomUUID().toString()));
    assertEquals(200, checked.status(), checked.raw());
    assertEquals(
        deviceKey.computeThumbprint().toString(),
        SignedJWT.parse(checked.json().get("access_token").asText())
            .getJWTClaimsSet()
            .getJSONObjectClaim("cnf")
            .get("jkt"));

    // step-up: otpCreate({challengeId, dispatchId}), otpRetry(), otpCheck(challengeId, code)
    String email = "sdk-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
    Map<String, String> auth =
        Map.of(
            "Authorization",
            "Bearer " + pipeline.managementKey,
            "Content-Type",
            "application/json");
    Http.Response issued =
        http.exchange(
            "POST",
            "/v2/session/apps/" + appId + "/challenge-tokens",
            auth,
            "{\"identifier\": {\"type\": \"email_address\", \"value\": \""
                + email
                + "\"}, \"user_id\": \"user-9\", \"scope\": \"payout\"}");
    assertEquals(201, issued.status(), issued.raw());
    String challenge = issued.json().get("challenge_token").asText();
    Http.Response created =
        sdk(
            front,
            appHost,
            null,
            "/v1/session/otp",
            "{\"challenge_token\":\""
                + challenge
                + "\",\"dispatch_id\":\"01a23750-fb7b-7f70-b77a-711152c988d3\"}",
            null);
    assertSeed(CREATE_SEED, "/v1/session/otp", created);
    assertEquals(204, created.status(), created.raw());
    String stepUpCookie = cookie(created);
    Http.Response otpRetried =
        sdk(front, appHost, stepUpCookie, "/v1/session/otp/retry", null, null);
    assertSeed(RETRY_SEED, "/v1/session/otp/retry", otpRetried);
    assertEquals(204, otpRetried.status(), otpRetried.raw());
    // with a device key in its store, the SDK signs the step-up check with the challenge's jti
    String jti = SignedJWT.parse(challenge).getJWTClaimsSet().getJWTID();
    Http.Response otpChecked =
        sdk(
            front,
            appHost,
            stepUpCookie,
            "/v1/session/otp/check",
            "{\"code\":\"" + codeFor(email, 2) + "\",\"challenge_token\":\"" + challenge + "\"}",
            sdkProof(deviceKey, "https://" + appHost + "/v1/session/otp/check", jti));
    assertEquals(200, otpChecked.status(), otpChecked.raw());
    assertNotNull(otpChecked.json().get("challenge_token"));
  }

  /**
   * One SDK call as a browser makes it from {@code front}: the CORS preflight (which must allow the
   * call), then the POST with the SDK's and the browser's headers; the response must be readable by
   * the page (credentialed CORS headers).
   */
  static Http.Response sdk(
      String front, String appHost, String cookie, String path, String body, String dpop) {
    String requested =
        dpop == null ? "content-type,x-sdk-user-agent" : "content-type,dpop,x-sdk-user-agent";
    Map<String, String> pre = new LinkedHashMap<>();
    pre.put("Host", appHost);
    pre.put("Origin", front);
    pre.put("Access-Control-Request-Method", "POST");
    pre.put("Access-Control-Request-Headers", requested);
    pre.put("Sec-Fetch-Mode", "cors");
    pre.put("Sec-Fetch-Site", "cross-site");
    pre.put("Sec-Fetch-Dest", "empty");
    Http.Response preflight = http.exchange("OPTIONS", path, pre, (String) null);
    assertEquals(204, preflight.status(), path + " preflight: " + preflight.raw());
    assertEquals(front, preflight.header("Access-Control-Allow-Origin"), path + " preflight");
    assertEquals("true", preflight.header("Access-Control-Allow-Credentials"), path + " preflight");
    assertTrue(
        preflight.header("Access-Control-Allow-Methods").contains("POST"), path + " preflight");
    List<String> allowed =
        java.util.Arrays.stream(preflight.header("Access-Control-Allow-Headers").split(","))
            .map(h -> h.strip().toLowerCase(java.util.Locale.ROOT))
            .toList();
    for (String h : requested.split(",")) {
      assertTrue(
          allowed.contains(h),
          path + " preflight does not allow the SDK's header " + h + ": " + allowed);
    }

    Map<String, String> h = new LinkedHashMap<>();
    h.put("Host", appHost);
    h.put("Content-Type", "application/json");
    h.put("Accept", "application/json");
    h.put("X-SDK-User-Agent", SDK_USER_AGENT);
    if (dpop != null) {
      h.put("DPoP", dpop);
    }
    h.put("Origin", front);
    h.put("Referer", front + "/");
    h.put("Sec-Fetch-Site", "cross-site");
    h.put("Sec-Fetch-Mode", "cors");
    h.put("Sec-Fetch-Dest", "empty");
    if (cookie != null) {
      h.put("Cookie", cookie);
    }
    Http.Response r = http.exchange("POST", path, h, body == null ? "" : body);
    assertEquals(
        front, r.header("Access-Control-Allow-Origin"), path + ": the page may read the response");
    assertEquals("true", r.header("Access-Control-Allow-Credentials"), path);
    return r;
  }

  /**
   * A DPoP proof as the SDK builds it: its header and claims JSON in its order, base64url without
   * padding, ES256 (r || s) over the two.
   */
  static String sdkProof(ECKey key, String htu, String jti) throws Exception {
    String header =
        "{\"typ\":\"dpop+jwt\",\"alg\":\"ES256\",\"jwk\":{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\""
            + key.getX()
            + "\",\"y\":\""
            + key.getY()
            + "\"}}";
    String claims =
        "{\"jti\":\""
            + jti
            + "\",\"htm\":\"POST\",\"htu\":\""
            + htu
            + "\",\"iat\":"
            + Instant.now().getEpochSecond()
            + "}";
    String input = Base64URL.encode(header) + "." + Base64URL.encode(claims);
    return input
        + "."
        + new ECDSASigner(key)
            .sign(new JWSHeader(JWSAlgorithm.ES256), input.getBytes(StandardCharsets.US_ASCII));
  }

  @Test
  void
      every_refusal_of_seed_001_s_create_is_one_of_its_four_400_codes_and_a_bad_identifier_is_bad_request() {
    String noUs =
        newAppWithSettings("France only", "{\"allowed_countries\": [\"FR\"]}")
            + ".session.example.com";
    Map<String, String> textPlain = new LinkedHashMap<>(json(null));
    textPlain.put("Content-Type", "text/plain");
    Map<String, String> unknownApp = new LinkedHashMap<>(json(null));
    unknownApp.put("Host", "nosuchapp.localhost");
    String tooLarge =
        "{\"identifier\": {\"type\": \"phone_number\", \"value\": \""
            + newPhone()
            + "\"}, \"dispatch_id\": \""
            + "d".repeat(70 * 1024)
            + "\"}";
    Map<String, Map.Entry<Map<String, String>, String>> refusals = new LinkedHashMap<>();
    refusals.put("unknown app", Map.entry(unknownApp, identifier("phone_number", newPhone())));
    refusals.put("no body", Map.entry(json(null), ""));
    refusals.put("malformed JSON", Map.entry(json(null), "{not json"));
    refusals.put("not an object", Map.entry(json(null), "[1, 2]"));
    refusals.put(
        "another Content-Type", Map.entry(textPlain, identifier("phone_number", newPhone())));
    refusals.put("neither identifier nor challenge_token", Map.entry(json(null), "{}"));
    refusals.put("identifier of the wrong type", Map.entry(json(null), "{\"identifier\": 12}"));
    refusals.put(
        "identifier without value",
        Map.entry(json(null), "{\"identifier\": {\"type\": \"phone_number\"}}"));
    refusals.put(
        "malformed phone", Map.entry(json(null), identifier("phone_number", "0612345678")));
    refusals.put(
        "malformed email", Map.entry(json(null), identifier("email_address", "not-an-email")));
    refusals.put(
        "email over 320 characters",
        Map.entry(json(null), identifier("email_address", "a".repeat(310) + "@example.com")));
    refusals.put("unknown identifier type", Map.entry(json(null), identifier("username", "ada")));
    refusals.put(
        "premium-rate number", Map.entry(json(null), identifier("phone_number", "+19002345678")));
    refusals.put(
        "country the app does not allow",
        Map.entry(json(noUs, null), identifier("phone_number", "+14155550123")));
    refusals.put(
        "unknown login_config_id",
        Map.entry(
            json(null),
            "{\"identifier\": {\"type\": \"phone_number\", \"value\": \""
                + newPhone()
                + "\"}, \"login_config_id\": \"lcfg_nope\"}"));
    refusals.put(
        "dispatch_id over 128 characters",
        Map.entry(
            json(null),
            "{\"identifier\": {\"type\": \"phone_number\", \"value\": \""
                + newPhone()
                + "\"}, \"dispatch_id\": \""
                + "d".repeat(129)
                + "\"}"));
    refusals.put("body over 64 KiB", Map.entry(json(null), tooLarge));
    refusals.forEach(
        (what, request) -> {
          Http.Response r =
              http.exchange("POST", "/v1/session/otp", request.getKey(), request.getValue());
          assertEquals(400, r.status(), what + ": " + r.raw());
          assertSeed(CREATE_SEED, "/v1/session/otp", r);
          assertError(r, 400, "bad_request", "bad_request");
        });
    Http.Response premium =
        http.exchange(
            "POST", "/v1/session/otp", json(null), identifier("phone_number", "+19002345678"));
    assertSeed(CREATE_SEED, "/v1/session/otp", premium);
    assertTrue(premium.json().get("message").asText().contains("Premium-rate"), premium.raw());

    // the login (no seed) keeps invalid_identifier, which Prelude's clients know
    assertError(
        http.exchange(
            "POST",
            "/v1/session/login/otp",
            json(null),
            identifier("phone_number", "+19002345678")),
        400,
        "invalid_identifier",
        "bad_request");
    assertError(
        http.exchange(
            "POST",
            "/v1/session/login/otp",
            json(noUs, null),
            identifier("phone_number", "+14155550123")),
        400,
        "invalid_identifier",
        "bad_request");
  }

  @Test
  void every_refusal_of_seed_000_s_retry_is_its_401_or_403_and_a_body_of_any_size_is_ignored() {
    String appId = newApp("Retry refusals");
    String appHost = appId + ".session.example.com";
    String phone = newPhone();
    Http.Response started =
        http.exchange(
            "POST", "/v1/session/otp", json(appHost, null), identifier("phone_number", phone));
    assertSeed(CREATE_SEED, "/v1/session/otp", started);
    String cookie = cookie(started);

    VerificationTokens tokens = new VerificationTokens(pipeline.secrets);
    String cookieName = "__Host-verification-login_" + appId + "=";
    String expired =
        cookieName
            + tokens.sign(
                new Verification(
                    appId,
                    "sub_x",
                    "ses_x",
                    "sms",
                    Verification.OTP,
                    "phone_number",
                    null,
                    null,
                    null,
                    Instant.now().minusSeconds(60)));
    String otherApps =
        cookieName
            + tokens.sign(
                new Verification(
                    pipeline.appId,
                    "sub_x",
                    "ses_x",
                    "sms",
                    Verification.OTP,
                    "phone_number",
                    null,
                    null,
                    null,
                    Instant.now().plusSeconds(600)));
    String login =
        cookie(
            http.exchange(
                "POST",
                "/v1/session/login/otp",
                json(appHost, null),
                identifier("phone_number", newPhone())));
    Map<String, Map<String, String>> unauthorized = new LinkedHashMap<>();
    unauthorized.put("no cookie", json(appHost, null));
    unauthorized.put("a forged cookie", json(appHost, cookieName + "forged.token.value"));
    unauthorized.put("an expired cookie", json(appHost, expired));
    unauthorized.put("another app's cookie", json(appHost, otherApps));
    unauthorized.put("a login's cookie", json(appHost, login));
    unauthorized.put("an unknown app", json("nosuchapp.session.example.com", cookie));
    unauthorized.put(
        "another site", browser(appHost, cookie, "https://evil.example", "cross-site"));
    unauthorized.forEach(
        (what, headers) -> {
          Http.Response r = http.exchange("POST", "/v1/session/otp/retry", headers, "");
          assertSeed(RETRY_SEED, "/v1/session/otp/retry", r);
          assertEquals(401, r.status(), what + ": " + r.raw());
          assertError(r, 401, "unauthorized", "unauthorized");
        });

    Map<String, String> large = json(appHost, cookie);
    Http.Response ignored =
        http.exchange("POST", "/v1/session/otp/retry", large, "x".repeat(70 * 1024));
    assertSeed(RETRY_SEED, "/v1/session/otp/retry", ignored);
    assertEquals(204, ignored.status(), "a body over 64 KiB is ignored: " + ignored.raw());
    for (int i = 0; i < 2; i++) {
      Http.Response retried =
          http.exchange("POST", "/v1/session/otp/retry", json(appHost, cookie), (String) null);
      assertSeed(RETRY_SEED, "/v1/session/otp/retry", retried);
      assertEquals(204, retried.status(), retried.raw());
    }
    Http.Response exhausted =
        http.exchange("POST", "/v1/session/otp/retry", json(appHost, cookie), (String) null);
    assertSeed(RETRY_SEED, "/v1/session/otp/retry", exhausted);
    assertError(exhausted, 403, "auth_blocked", "forbidden");
    assertEquals("max_resends_per_session", exhausted.header("X-Otp-Rule"));

    String lockedPhone = newPhone();
    Http.Response lockedStart =
        http.exchange(
            "POST",
            "/v1/session/otp",
            json(appHost, null),
            identifier("phone_number", lockedPhone));
    assertSeed(CREATE_SEED, "/v1/session/otp", lockedStart);
    String locked = cookie(lockedStart);
    String wrong = codeFor(lockedPhone, 1).equals("000000") ? "111111" : "000000";
    for (int i = 0; i < 5; i++) {
      assertError(
          http.exchange(
              "POST",
              "/v1/session/otp/check",
              json(appHost, locked),
              "{\"code\": \"" + wrong + "\"}"),
          400,
          "bad_check_code",
          "bad_request");
    }
    Http.Response lockedRetry =
        http.exchange("POST", "/v1/session/otp/retry", json(appHost, locked), (String) null);
    assertSeed(RETRY_SEED, "/v1/session/otp/retry", lockedRetry);
    assertError(lockedRetry, 403, "auth_blocked", "forbidden");
  }

  @Test
  void a_retry_sends_a_new_code_and_the_old_one_stops_working() {
    // an app of its own, made through the management API, with no resend cooldown
    Map<String, String> auth =
        Map.of(
            "Authorization",
            "Bearer " + pipeline.managementKey,
            "Content-Type",
            "application/json");
    Http.Response app =
        http.exchange("POST", "/v2/session/apps", auth, "{\"name\": \"No cooldown\"}");
    assertEquals(201, app.status(), app.raw());
    String appId = app.json().get("id").asText();
    assertEquals(
        200,
        http.exchange(
                "PUT", "/v2/apps/" + appId + "/settings", auth, "{\"resend_cooldown_seconds\": 0}")
            .status());
    Map<String, String> headers = new LinkedHashMap<>(json(null));
    headers.put("Host", appId + ".session.example.com");

    String phone = newPhone();
    Http.Response started =
        http.exchange("POST", "/v1/session/otp", headers, identifier("phone_number", phone));
    assertSeed(CREATE_SEED, "/v1/session/otp", started);
    assertEquals(204, started.status(), started.raw());
    assertTrue(started.header("Set-Cookie").startsWith("__Host-verification-login_" + appId + "="));
    headers.put("Cookie", cookie(started));
    String first = codeFor(phone, 1);
    Http.Response retried = http.exchange("POST", "/v1/session/otp/retry", headers, "");
    assertSeed(RETRY_SEED, "/v1/session/otp/retry", retried);
    assertEquals(204, retried.status(), retried.raw());
    headers.put("Cookie", cookie(retried));
    String second = codeFor(phone, 2);

    // the retry moved the session to its next generation and sent that generation's code, derived
    // here as the dispatcher does
    List<OutboxMessage> sent =
        outbox.list().stream().filter(m -> m.to().equals(phone)).toList(); // newest first
    String sessionId = sent.get(1).sessionId();
    assertEquals(
        List.of(sessionId + ":1:sms", sessionId + ":0:sms"),
        sent.stream().map(OutboxMessage::deliveryId).toList());
    OtpCodes codes = new OtpCodes(pipeline.secrets);
    assertEquals(codes.code(appId, sessionId, 0, 6), first);
    assertEquals(codes.code(appId, sessionId, 1, 6), second);
    // Two generations share their code once in 10^6 sessions (the secrets decide it, not the
    // service): those digits
    // are then the new code and the check takes them. Otherwise the old code is refused and the new
    // one verifies.
    Http.Response old =
        http.exchange("POST", "/v1/session/otp/check", headers, "{\"code\": \"" + first + "\"}");
    if (first.equals(second)) {
      assertEquals(200, old.status(), old.raw());
      return;
    }
    assertError(old, 400, "bad_check_code", "bad_request");
    assertEquals(
        200,
        http.exchange("POST", "/v1/session/otp/check", headers, "{\"code\": \"" + second + "\"}")
            .status());
  }

  @Test
  void step_up_with_a_challenge_token_and_every_challenge_error_of_seed_001() {
    Map<String, String> auth =
        Map.of(
            "Authorization",
            "Bearer " + pipeline.managementKey,
            "Content-Type",
            "application/json");
    String email = "stepup-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
    Http.Response issued =
        http.exchange(
            "POST",
            "/v2/session/apps/" + pipeline.appId + "/challenge-tokens",
            auth,
            "{\"identifier\": {\"type\": \"email_address\", \"value\": \""
                + email
                + "\"}, \"user_id\": \"user-7\", \"scope\": \"payout\"}");
    assertEquals(201, issued.status(), issued.raw());
    String challenge = issued.json().get("challenge_token").asText();
    assertFalse(challenge.contains(email), "the challenge token hides its identifier");

    Http.Response mismatch =
        http.exchange(
            "POST",
            "/v1/session/otp",
            json(null),
            "{\"challenge_token\": \""
                + challenge
                + "\", \"identifier\": {\"type\": \"email_address\", \"value\": \"other@example.com\"}}");
    assertSeed(CREATE_SEED, "/v1/session/otp", mismatch);
    assertError(mismatch, 400, "token_mismatch", "bad_request");

    Http.Response invalid =
        http.exchange(
            "POST",
            "/v1/session/otp",
            json(null),
            "{\"challenge_token\": \"eyJhbGciOiJub25lIn0.e30.\"}");
    assertSeed(CREATE_SEED, "/v1/session/otp", invalid);
    assertError(invalid, 400, "invalid_challenge_token", "bad_request");

    ChallengeTokens tokens =
        new ChallengeTokens(new SigningKeys(pipeline.secrets), pipeline.secrets);
    String old =
        tokens.issue(
            ChallengeTokens.create(
                pipeline.appId,
                "sub_x",
                "u",
                "s",
                "email_address",
                email,
                Instant.now().minus(Duration.ofMinutes(6))));
    Http.Response expired =
        http.exchange(
            "POST", "/v1/session/otp", json(null), "{\"challenge_token\": \"" + old + "\"}");
    assertSeed(CREATE_SEED, "/v1/session/otp", expired);
    assertError(expired, 400, "expired_challenge_token", "bad_request");

    Http.Response none =
        http.exchange("POST", "/v1/session/otp", json(null), "{\"dispatch_id\": \"d-1\"}");
    assertSeed(CREATE_SEED, "/v1/session/otp", none);
    assertError(none, 400, "bad_request", "bad_request");

    Http.Response started =
        http.exchange(
            "POST",
            "/v1/session/otp",
            json(null),
            "{\"challenge_token\": \""
                + challenge
                + "\", \"dispatch_id\": \"123e4567-e89b-12d3-a456-426614174000\"}");
    assertSeed(CREATE_SEED, "/v1/session/otp", started);
    assertEquals(204, started.status(), started.raw());
    String cookie = cookie(started);
    String code = codeFor(email, 1);

    String otherChallenge =
        tokens.issue(
            ChallengeTokens.create(
                pipeline.appId,
                "sub_y",
                "user-7",
                "payout",
                "email_address",
                email,
                Instant.now()));
    assertError(
        http.exchange(
            "POST",
            "/v1/session/otp/check",
            json(cookie),
            "{\"code\": \"" + code + "\", \"challenge_token\": \"" + otherChallenge + "\"}"),
        400,
        "token_mismatch",
        "bad_request");

    Http.Response checked =
        http.exchange(
            "POST",
            "/v1/session/otp/check",
            json(cookie),
            "{\"code\": \"" + code + "\", \"challenge_token\": \"" + challenge + "\"}");
    assertEquals(200, checked.status(), checked.raw());
    ChallengeTokens.Verified v =
        tokens
            .parseVerified(
                checked.json().get("challenge_token").asText(), pipeline.appId, Instant.now())
            .orElseThrow();
    assertEquals("user-7", v.userId());
    assertEquals("payout", v.scope());
  }

  @Test
  void a_third_session_for_one_subject_within_the_hour_is_auth_blocked_with_retry_after() {
    String phone = newPhone();
    for (int i = 0; i < 2; i++) {
      Http.Response started =
          http.exchange("POST", "/v1/session/otp", json(null), identifier("phone_number", phone));
      assertSeed(CREATE_SEED, "/v1/session/otp", started);
      assertEquals(204, started.status(), started.raw());
    }
    Http.Response blocked =
        http.exchange("POST", "/v1/session/otp", json(null), identifier("phone_number", phone));
    assertSeed(CREATE_SEED, "/v1/session/otp", blocked);
    assertError(blocked, 403, "auth_blocked", "forbidden");
    assertEquals("sends_per_subject", blocked.header("X-Otp-Rule"));
    assertTrue(
        Integer.parseInt(blocked.header("Retry-After")) > 3000, blocked.header("Retry-After"));
  }

  @Test
  void a_dpop_proof_binds_the_access_token_to_its_key_and_a_bad_or_replayed_proof_is_refused()
      throws Exception {
    ECKey clientKey = new ECKeyGenerator(Curve.P_256).generate();
    String url = "https://" + host + "/v1/session/login/otp/check";

    String phone = newPhone();
    String cookie =
        cookie(
            http.exchange(
                "POST", "/v1/session/login/otp", json(null), identifier("phone_number", phone)));
    String code = codeFor(phone, 1);

    Map<String, String> wrongUrl = new LinkedHashMap<>(json(cookie));
    wrongUrl.put(
        "DPoP",
        proof(
            clientKey,
            "POST",
            "https://evil.example.com/v1/session/login/otp/check",
            Instant.now()));
    assertError(
        http.exchange(
            "POST", "/v1/session/login/otp/check", wrongUrl, "{\"code\": \"" + code + "\"}"),
        400,
        "invalid_dpop_proof",
        "bad_request");
    Map<String, String> stale = new LinkedHashMap<>(json(cookie));
    stale.put("DPoP", proof(clientKey, "POST", url, Instant.now().minus(Duration.ofMinutes(5))));
    assertError(
        http.exchange("POST", "/v1/session/login/otp/check", stale, "{\"code\": \"" + code + "\"}"),
        400,
        "invalid_dpop_proof",
        "bad_request");
    Map<String, String> garbage = new LinkedHashMap<>(json(cookie));
    garbage.put("DPoP", "not-a-jwt");
    assertError(
        http.exchange(
            "POST", "/v1/session/login/otp/check", garbage, "{\"code\": \"" + code + "\"}"),
        400,
        "invalid_dpop_proof",
        "bad_request");

    String good = proof(clientKey, "POST", url, Instant.now());
    Map<String, String> withProof = new LinkedHashMap<>(json(cookie));
    withProof.put("DPoP", good);
    Http.Response checked =
        http.exchange(
            "POST", "/v1/session/login/otp/check", withProof, "{\"code\": \"" + code + "\"}");
    assertEquals(200, checked.status(), checked.raw());
    JWTClaimsSet claims =
        SignedJWT.parse(checked.json().get("access_token").asText()).getJWTClaimsSet();
    assertEquals(
        clientKey.computeThumbprint().toString(), claims.getJSONObjectClaim("cnf").get("jkt"));

    String phone2 = newPhone();
    String cookie2 =
        cookie(
            http.exchange(
                "POST", "/v1/session/login/otp", json(null), identifier("phone_number", phone2)));
    Map<String, String> replayed = new LinkedHashMap<>(json(cookie2));
    replayed.put("DPoP", good);
    assertError(
        http.exchange(
            "POST",
            "/v1/session/login/otp/check",
            replayed,
            "{\"code\": \"" + codeFor(phone2, 1) + "\"}"),
        400,
        "invalid_dpop_proof",
        "bad_request");
  }

  @Test
  void cors_answers_preflights_for_the_apps_origins_with_credentials_only() {
    Map<String, String> auth =
        Map.of(
            "Authorization",
            "Bearer " + pipeline.managementKey,
            "Content-Type",
            "application/json");
    Http.Response patched =
        http.exchange(
            "PATCH",
            "/v2/session/apps/" + pipeline.appId,
            auth,
            "{\"allowed_origins\": [\"https://shop.example.com\"]}");
    assertEquals(200, patched.status(), patched.raw());

    Map<String, String> preflight = new LinkedHashMap<>();
    preflight.put("Host", host);
    preflight.put("Origin", "https://shop.example.com");
    preflight.put("Access-Control-Request-Method", "POST");
    preflight.put("Access-Control-Request-Headers", "content-type");
    Http.Response ok = http.exchange("OPTIONS", "/v1/session/login/otp", preflight, (String) null);
    assertEquals(204, ok.status(), ok.raw());
    assertEquals("https://shop.example.com", ok.header("Access-Control-Allow-Origin"));
    assertEquals("true", ok.header("Access-Control-Allow-Credentials"));
    assertTrue(ok.header("Access-Control-Allow-Methods").contains("POST"));
    assertTrue(ok.header("Access-Control-Allow-Headers").contains("Content-Type"));

    preflight.put("Origin", "https://evil.example.com");
    Http.Response refused =
        http.exchange("OPTIONS", "/v1/session/login/otp", preflight, (String) null);
    assertError(refused, 403, "origin_not_allowed", "forbidden");
    assertNull(refused.header("Access-Control-Allow-Origin"));

    Map<String, String> fromShop = new LinkedHashMap<>(json(null));
    fromShop.put("Origin", "https://shop.example.com");
    Http.Response sent =
        http.exchange(
            "POST", "/v1/session/login/otp", fromShop, identifier("phone_number", newPhone()));
    assertEquals(204, sent.status(), sent.raw());
    assertEquals("https://shop.example.com", sent.header("Access-Control-Allow-Origin"));
    assertEquals("true", sent.header("Access-Control-Allow-Credentials"));
    fromShop.put("Origin", "https://evil.example.com");
    assertNull(
        http.exchange(
                "POST", "/v1/session/login/otp", fromShop, identifier("phone_number", newPhone()))
            .header("Access-Control-Allow-Origin"));
  }

  static String proof(ECKey key, String method, String url, Instant iat) {
    return DpopProof.of(key, method, url, iat);
  }
}
