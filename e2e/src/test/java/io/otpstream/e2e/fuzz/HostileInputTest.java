package io.otpstream.e2e.fuzz;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.otpstream.api.token.ChallengeTokens;
import io.otpstream.api.token.SigningKeys;
import io.otpstream.api.token.Verification;
import io.otpstream.api.token.VerificationTokens;
import io.otpstream.common.outbox.Outbox;
import io.otpstream.e2e.support.Http;
import io.otpstream.e2e.support.TestPipeline;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A seeded fuzz of the whole HTTP surface against the real pipeline: at least 10,000 hostile
 * requests (bodies, headers, hosts, cookies, DPoP proofs, paths, methods and raw protocol oddities)
 * across every endpoint family, from 8 threads. It collects every failure instead of stopping at
 * the first: any 5xx (decision timeouts counted apart), any 4xx of our routes that is not in its
 * family's error format, any leaked stack trace or class name; and at the end the service must
 * still answer a sandbox send and a session login.
 *
 * <p>Every request must be answered, but those the test sends malformed at the socket level (raw
 * bytes that are not a well-formed HTTP request): on those the server may close without a word.
 * Each request is written as it is, on a socket of its own ({@code Connection: close}), and its
 * answer read even after a failed write (the server may refuse a large body before reading it): a
 * request without an answer is the one at fault, never one that went before it on a pooled
 * connection, and no client library stands between the bytes and the server.
 *
 * <p>Each run draws a new seed unless {@code -Dotp.fuzz.seed=<seed>} names one; the seed is printed
 * at the start and in the failure, and each request is generated from the seed and its index alone,
 * so that a run can be repeated. {@code -Dotp.fuzz.requests=N} changes the count.
 */
class HostileInputTest {
  private static final int REQUESTS = Integer.getInteger("otp.fuzz.requests", 10_000);
  private static final int THREADS = 8;
  private static final int MAX_BODY = 64 * 1024;

  /** Jetty's default request-head limit; above it the request never reaches our routes. */
  private static final int JETTY_HEAD_LIMIT = 8 * 1024;

  private static final ObjectMapper M = new ObjectMapper();
  private static final Path REPORT = Path.of("target", "fuzz", "hostile-input-report.txt");

  private static TestPipeline pipeline;
  private static Http http;
  private static int port;
  private static String host;
  private static Fixtures fx;

  // ---------------------------------------------------------------------------------------------
  // fixtures: real cookies, tokens and apps, so mutations reach the deep code paths
  // ---------------------------------------------------------------------------------------------

  record SandboxSession(String token, String code) {}

  record Fixtures(
      List<String> targetApps,
      List<String> loginCookies,
      List<String> otpCookies,
      List<String> signedOddCookies,
      List<SandboxSession> sandbox,
      List<String> liveTokens,
      List<String> challengeTokens,
      String expiredChallenge,
      String pipelineLoginConfig,
      List<String> targetLoginConfigs,
      ECKey dpopKey) {}

  @BeforeAll
  static void start() throws Exception {
    Outbox outbox =
        new Outbox(Files.createTempDirectory("otp-fuzz-outbox").resolve("outbox.jsonl"));
    pipeline = TestPipeline.start("fuzz", outbox);
    http = new Http(pipeline.baseUrl());
    port = URI.create(pipeline.baseUrl()).getPort();
    host = pipeline.appId + ".localhost";
    fx = fixtures();
  }

  @AfterAll
  static void stop() {
    if (pipeline != null) {
      pipeline.close();
    }
  }

  private static Map<String, String> mgmt() {
    Map<String, String> h = new LinkedHashMap<>();
    h.put("Authorization", "Bearer " + pipeline.managementKey);
    h.put("Content-Type", "application/json");
    return h;
  }

  private static Http.Response expect(int status, Http.Response r, String what) {
    if (r.status() != status) {
      throw new IllegalStateException(
          "fixture " + what + ": expected " + status + ", got " + r.status() + " " + r.raw());
    }
    return r;
  }

  private static Fixtures fixtures() throws Exception {
    String app = pipeline.appId;
    expect(
        200,
        http.exchange(
            "PATCH",
            "/v2/session/apps/" + app,
            mgmt(),
            "{\"allowed_origins\": [\"https://shop.example.com\"]}"),
        "allowed origins");
    List<String> targets = new ArrayList<>();
    List<String> targetConfigs = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      String id =
          expect(
                  201,
                  http.exchange(
                      "POST", "/v2/session/apps", mgmt(), "{\"name\": \"Fuzz target " + i + "\"}"),
                  "target app")
              .json()
              .get("id")
              .asText();
      targets.add(id);
      targetConfigs.add(
          expect(
                  201,
                  http.exchange(
                      "POST",
                      "/v2/session/apps/" + id + "/config/login/otp",
                      mgmt(),
                      "{\"config_type\": \"otp\", \"channel_type\": \"email\", \"is_default\": false, \"template_id\": \"tpl_"
                          + i
                          + "\"}"),
                  "target config")
              .json()
              .get("id")
              .asText());
    }
    String pipelineConfig =
        expect(
                201,
                http.exchange(
                    "POST",
                    "/v2/session/apps/" + app + "/config/login/otp",
                    mgmt(),
                    "{\"config_type\": \"otp\", \"channel_type\": \"sms\", \"is_default\": false, \"sender_id\": \"Acme\"}"),
                "pipeline config")
            .json()
            .get("id")
            .asText();
    expect(
        200,
        http.exchange(
            "PUT",
            "/v2/session/apps/" + app + "/contacts/alice",
            mgmt(),
            "{\"email\": \"alice@example.com\", \"phone_number\": \"+14155550100\"}"),
        "contact alice");
    expect(
        200,
        http.exchange(
            "PUT",
            "/v2/session/apps/" + app + "/contacts/bob.smith",
            mgmt(),
            "{\"email\": \"bob@example.com\"}"),
        "contact bob");

    List<String> login = new ArrayList<>();
    List<String> otp = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      Map<String, String> h = new LinkedHashMap<>();
      h.put("Host", host);
      h.put("Content-Type", "application/json");
      h.put("X-Forwarded-For", "198.51.100." + (i + 1));
      String identifier =
          i % 2 == 0
              ? "{\"identifier\": {\"type\": \"phone_number\", \"value\": \"+1415555"
                  + (7000 + i)
                  + "\"}}"
              : "{\"identifier\": {\"type\": \"email_address\", \"value\": \"fixture-"
                  + i
                  + "@example.com\"}}";
      String path = i < 6 ? "/v1/session/login/otp" : "/v1/session/otp";
      Http.Response r = expect(204, http.exchange("POST", path, h, identifier), "session cookie");
      (i < 6 ? login : otp).add(r.header("Set-Cookie").split(";", 2)[0]);
    }

    List<SandboxSession> sandbox = new ArrayList<>();
    List<String> live = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      boolean test = i < 4;
      Map<String, String> h = new LinkedHashMap<>();
      h.put("X-API-Key", test ? pipeline.testKey : pipeline.liveKey);
      h.put("Content-Type", "application/json");
      h.put("X-Forwarded-For", "198.51.100." + (50 + i));
      Http.Response r =
          expect(
              200,
              http.exchange(
                  "POST",
                  "/api/v1/otp/send",
                  h,
                  "{\"channels\": [\"sms\"], \"recipients\": {\"sms\": \"+1415555"
                      + (7100 + i)
                      + "\"}}"),
              "sendmator send");
      String token = r.json().get("data").get("session_token").asText();
      if (test) {
        sandbox.add(
            new SandboxSession(token, r.json().get("data").get("otps").get("sms").asText()));
      } else {
        live.add(token);
      }
    }

    List<String> challenges = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      challenges.add(
          expect(
                  201,
                  http.exchange(
                      "POST",
                      "/v2/session/apps/" + app + "/challenge-tokens",
                      mgmt(),
                      "{\"identifier\": {\"type\": \"email_address\", \"value\": \"stepup-"
                          + i
                          + "@example.com\"}, \"user_id\": \"u"
                          + i
                          + "\", \"scope\": \"payout\"}"),
                  "challenge token")
              .json()
              .get("challenge_token")
              .asText());
    }
    ChallengeTokens tokens =
        new ChallengeTokens(new SigningKeys(pipeline.secrets), pipeline.secrets);
    String expired =
        tokens.issue(
            ChallengeTokens.create(
                app,
                "sub_x",
                "u",
                "s",
                "email_address",
                "old@example.com",
                Instant.now().minus(Duration.ofMinutes(6))));

    // cookies signed with the real secret but naming odd or unknown content (what a wiped store or
    // an old version would show)
    VerificationTokens vt = new VerificationTokens(pipeline.secrets);
    Instant later = Instant.now().plus(Duration.ofMinutes(10));
    String name = "__Host-verification-login_" + app + "=";
    List<String> odd =
        List.of(
            name
                + vt.sign(
                    new Verification(
                        app,
                        "sub_nope",
                        "ses_nope",
                        "sms",
                        "login",
                        "phone_number",
                        null,
                        null,
                        null,
                        later)),
            name
                + vt.sign(
                    new Verification(
                        app,
                        "sub_nope",
                        "ses_nope",
                        "email",
                        "otp",
                        "email_address",
                        "chl_nope",
                        "u",
                        "s",
                        later)),
            name
                + vt.sign(
                    new Verification(
                        app, "sub_x", "ses_x", "pigeon", "login", "fax", null, null, null, later)),
            name
                + vt.sign(
                    new Verification(
                        app,
                        "sub_x",
                        "ses_x",
                        "sms",
                        "login",
                        "phone_number",
                        null,
                        null,
                        null,
                        Instant.now().minusSeconds(60))));
    ECKey key = new ECKeyGenerator(Curve.P_256).keyID("fuzz").generate();
    return new Fixtures(
        targets,
        login,
        otp,
        odd,
        sandbox,
        live,
        challenges,
        expired,
        pipelineConfig,
        targetConfigs,
        key);
  }

  // ---------------------------------------------------------------------------------------------
  // the request model
  // ---------------------------------------------------------------------------------------------

  /**
   * One request; {@code edge} marks protocol-level abuse that Jetty may refuse before any route
   * runs.
   */
  record Req(
      int index,
      String family,
      String label,
      String method,
      String path,
      List<Map.Entry<String, String>> headers,
      byte[] body,
      boolean chunked,
      boolean edge,
      byte[] rawBytes,
      byte[] expectBody) {
    String header(String name) {
      return headers.stream()
          .filter(e -> e.getKey().equalsIgnoreCase(name))
          .map(Map.Entry::getValue)
          .findFirst()
          .orElse(null);
    }
  }

  record Res(
      Req req,
      int status,
      String body,
      Map<String, List<String>> headers,
      String transportError,
      long millis) {
    String contentType() {
      return headers.entrySet().stream()
          .filter(e -> e.getKey().equalsIgnoreCase("content-type"))
          .findFirst()
          .map(e -> e.getValue().isEmpty() ? "" : e.getValue().get(0))
          .orElse("(none)");
    }
  }

  record Body(String kind, byte[] bytes) {}

  static final class B {
    final String family;
    String label;
    String method;
    String path;
    final List<Map.Entry<String, String>> headers = new ArrayList<>();
    byte[] body;
    String bodyKind;
    boolean chunked;
    boolean edge;

    /** Raw bytes that our routes must still answer in the family format (not a protocol edge). */
    boolean strict;

    byte[] rawBytes;

    /**
     * With {@code rawBytes} carrying {@code Expect: 100-continue}: the body, sent once the server
     * says 100 (as a real client would).
     */
    byte[] expectBody;

    final List<String> tags = new ArrayList<>();

    B(String family, String label, String method, String path) {
      this.family = family;
      this.label = label;
      this.method = method;
      this.path = path;
    }

    B add(String name, String value) {
      headers.add(Map.entry(name, value));
      return this;
    }

    B set(String name, String value) {
      headers.removeIf(e -> e.getKey().equalsIgnoreCase(name));
      if (value != null) {
        headers.add(Map.entry(name, value));
      }
      return this;
    }

    boolean has(String name) {
      return headers.stream().anyMatch(e -> e.getKey().equalsIgnoreCase(name));
    }

    B body(Body b) {
      body = b.bytes();
      bodyKind = b.kind();
      return this;
    }

    Req build(int index) {
      int head = method.length() + path.length() + 40;
      boolean nonAscii = false;
      for (Map.Entry<String, String> e : headers) {
        head += e.getKey().length() + e.getValue().getBytes(UTF_8).length + 4;
        nonAscii |=
            e.getValue().chars().anyMatch(c -> c < 0x20 && c != '\t' || c >= 0x7f)
                || e.getKey().chars().anyMatch(c -> c <= 0x20 || c >= 0x7f);
      }
      boolean oddPath =
          path.contains(";")
              || path.contains("//")
              || path.contains("..")
              || path.contains("%")
              || !path.matches("[A-Za-z0-9._~!$&'()*+,=:@/?-]*");
      boolean isEdge =
          edge
              || nonAscii
              || oddPath
              || head > JETTY_HEAD_LIMIT - 200
              || rawBytes != null && !strict;
      String fullLabel =
          family
              + "."
              + label
              + (bodyKind == null ? "" : "/" + bodyKind)
              + (tags.isEmpty() ? "" : "+" + String.join("+", tags));
      return new Req(
          index,
          family,
          fullLabel,
          method,
          path,
          List.copyOf(headers),
          body,
          chunked,
          isEdge,
          rawBytes,
          expectBody);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // hostile values
  // ---------------------------------------------------------------------------------------------

  static final String[] JSON_SCALARS = {
    "null",
    "true",
    "false",
    "0",
    "-0",
    "-1",
    "1.5",
    "1e309",
    "-1e309",
    "1e-400",
    "9223372036854775808",
    "-9223372036854775809",
    "9223372036854775807",
    "2147483648",
    "-2147483649",
    "18446744073709551616",
    "123456789012345678901234567890123456789",
    "0.1e1",
    "4e2",
    "-0.0"
  };
  static final String[] JSON_COMPOSITES = {
    "[]",
    "[1,2,3]",
    "[\"sms\",\"email\",\"sms\"]",
    "{}",
    "{\"a\":{\"b\":{\"c\":[]}}}",
    "[null]",
    "[[[]]]",
    "{\"type\":\"phone_number\"}",
    "[\"\"]",
    "{\"\":\"\"}",
    "[{}]",
    "{\"sms\":null}"
  };

  /**
   * JSON string literals (already JSON text), including escapes Java strings cannot carry (lone
   * surrogates).
   */
  static final String[] HOSTILE_STRINGS = {
    "\"\"",
    "\" \"",
    "\"\\u0000\"",
    "\"a\\u0000b\"",
    "\"\\ud800\"",
    "\"\\udc00\\ud800\"",
    "\"x\\ud83d\"",
    "\"\\udfff\"",
    "\"\\u202eevil\\u202c\"",
    "\"\u05e9\u05dc\u05d5\u05dd \u0645\u0631\u062d\u0628\u0627\"",
    "\"\ud83d\ude00\ud83c\uddeb\ud83c\uddf7\ud83d\udc68\u200d\ud83d\udc69\u200d\ud83d\udc67\"",
    "\"\\u200b\\ufeff\\u2028\\u2029\"",
    "\"\\r\\nSet-Cookie: pwned=1\"",
    "\"' OR '1'='1' --\"",
    "\"\\\"; DROP TABLE apps; --\"",
    "\"<script>alert(1)</script>\"",
    "\"${jndi:ldap://127.0.0.1:1/a}\"",
    "\"{{7*7}}\"",
    "\"#{7*7}\"",
    "\"<%= 7*7 %>\"",
    "\"%s%s%s%n%x\"",
    "\"../../../../etc/passwd\"",
    "\"$(id)\"",
    "\"`id`\"",
    "\"\\\\\"",
    "\"\\t\\b\\f\"",
    "\"null\"",
    "\"true\"",
    "\"0\"",
    "\"NaN\"",
    "\"sms\"",
    "\"SMS\"",
    "\"\u0301\u0301\u0301\"",
    "\"\uff0b\uff11\uff14\uff11\uff15\"",
    "\"\\u0085\"",
    "\"\\ufffe\\uffff\""
  };

  static final String[] PHONES = {
    "+",
    "+0",
    "+00",
    "+1",
    "+12",
    "+1234567890123456",
    "+12345678901234567",
    "+123456789012345",
    "+" + "1".repeat(40),
    "+1 415 555 0123",
    "+1-415-555-0123",
    "+1(415)5550123",
    "+1415555O123",
    "+1abc",
    "0612345678",
    "++14155550123",
    "+14155550123\n",
    " +14155550123 ",
    "+\u0967\u096a\u0967\u096b\u096b\u096b\u096b\u0966\u0967\u0968\u0969",
    "+\u0664\u0661\u0665\u0665\u0665\u0665\u0660\u0661\u0662\u0663",
    "+19005550123",
    "+44 7700 900123",
    "+0000000000",
    "+999999999999999",
    "tel:+14155550123",
    "+14155550123;ext=1",
    "+33612345678",
    "+1415555\u00a00123",
    "+\u200e14155550123",
    "+14155550123\u0000",
    "-14155550123",
    "+1.4155550123",
    "+1e10",
    "+882",
    "+800 1234 5678"
  };
  static final String[] EMAILS = {
    email(320),
    email(321),
    email(319),
    "a@",
    "@b.com",
    "a@b",
    "a@@b.com",
    "a b@c.com",
    "a@b..com",
    "\"q\"@x.com",
    "a@[127.0.0.1]",
    "\u00fc@\u00fc.de",
    "a@b.c\u0000",
    "a".repeat(65) + "@x.com",
    "a".repeat(64) + "@x.com",
    "a@-b.com",
    "A@EXAMPLE.COM",
    "a@b.com\r\n",
    "a@xn--80ak6aa92e.com",
    "<a@b.com>",
    "a@b.com,c@d.com",
    "a@" + "b".repeat(64) + ".com",
    ".a@b.com",
    "a.@b.com",
    "a@b.com.",
    "a@localhost",
    "@",
    " ",
    "a%40b.com",
    "a@b.com%0d%0abcc:x@y.com",
    "\u202ea@b.com",
    "x@example.com" + " ".repeat(400)
  };
  static final int[] LONG_LENGTHS = {65, 129, 256, 321, 1000, 4097, 8192, 65_000, 70_000};

  /**
   * A syntactically valid-looking email of exactly {@code length} characters (64-char local part).
   */
  static String email(int length) {
    int d = length - 65 - 4; // "l"*64 + "@" + domain + ".com"
    StringBuilder domain = new StringBuilder();
    while (d > 0) {
      if (domain.length() > 0) {
        domain.append('.');
        d--;
      }
      int label = Math.min(63, d);
      if (d - label == 1) {
        label--; // never leave a remainder that is only a dot
      }
      domain.append("d".repeat(label));
      d -= label;
    }
    return "l".repeat(64) + "@" + domain + ".com";
  }

  static String quote(String s) {
    try {
      return M.writeValueAsString(s);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  static <T> T pick(Random r, T[] values) {
    return values[r.nextInt(values.length)];
  }

  static <T> T pick(Random r, List<T> values) {
    return values.get(r.nextInt(values.size()));
  }

  static String longString(Random r, int length) {
    return switch (r.nextInt(4)) {
      case 0 -> "a".repeat(length);
      case 1 -> "\u00e9".repeat(Math.max(1, length / 2)); // two UTF-8 bytes each
      case 2 -> "\ud83d\ude00".repeat(Math.max(1, length / 4)); // four bytes each
      default -> "0123456789+".repeat(length / 11 + 1).substring(0, length);
    };
  }

  /**
   * A hostile JSON value (as JSON text) for a field; the field's name steers phone and email cases.
   */
  static String hostileValue(Random r, String field) {
    String f = field == null ? "" : field.toLowerCase(Locale.ROOT);
    boolean phone = f.contains("sms") || f.contains("phone");
    boolean mail = f.contains("email");
    boolean value = f.equals("value");
    int k = r.nextInt(12);
    if (k < 2) {
      return pick(r, JSON_SCALARS);
    }
    if (k == 2) {
      return pick(r, JSON_COMPOSITES);
    }
    if (k < 5) {
      return pick(r, HOSTILE_STRINGS);
    }
    if (k == 5) {
      return quote(longString(r, LONG_LENGTHS[r.nextInt(LONG_LENGTHS.length)]));
    }
    if (k < 9 && (phone || mail || value)) {
      return quote(phone || value && r.nextBoolean() ? pick(r, PHONES) : pick(r, EMAILS));
    }
    if (k < 9) {
      return quote(r.nextBoolean() ? pick(r, PHONES) : pick(r, EMAILS));
    }
    if (k == 9) {
      int n = new int[] {100, 999, 1000, 1001, 3000}[r.nextInt(5)];
      return "[".repeat(n) + "]".repeat(n);
    }
    if (k == 10) {
      return "{\"type\":\"phone_number\",\"value\":\"+14155550123\"}";
    }
    return quote(UUID.randomUUID().toString());
  }

  // ---------------------------------------------------------------------------------------------
  // hostile bodies
  // ---------------------------------------------------------------------------------------------

  static final String[] STRUCTURAL = {
    "",
    " ",
    "\n",
    "{",
    "}",
    "{\"",
    "{\"a\"",
    "{\"a\":",
    "{\"a\":}",
    "{,}",
    "{\"a\":1,}",
    "[",
    "nul",
    "NaN",
    "Infinity",
    "{'a':1}",
    "{a:1}",
    "/* c */{}",
    "{}//",
    "\u0000",
    "{\"a\":\"\\x41\"}",
    "{\"a\":\"\\u12\"}",
    "{\"a\":01}",
    "{\"a\":.5}",
    "{\"a\":+1}",
    "{\"a\":--1}",
    "{\"a\":NaN}",
    "{\"a\":Infinity}",
    "{\"a\":\"\n\"}",
    "{\"a\":\"\u0001\"}",
    "{\"a\" 1}",
    "{\"a\":1 \"b\":2}",
    "{{}}",
    "{\"a\":[1,]}",
    "\"\\",
    "{\"\\u0000\":1}"
  };
  static final String[] WRONG_TOP = {
    "[]",
    "null",
    "\"string\"",
    "42",
    "true",
    "false",
    "-0",
    "1e309",
    "[{}]",
    "[null]",
    "\"{\\\"a\\\":1}\""
  };
  static final String[] TRAILING = {"x", "}", "{}", " ,", "\u0000", "]", "\n\n{}", "//", "garbage"};
  static final byte[][] BAD_UTF8 = {
    {(byte) 0xC3, 0x28},
    {(byte) 0xFF},
    {(byte) 0xFE, (byte) 0xFF},
    {(byte) 0xED, (byte) 0xA0, (byte) 0x80},
    {(byte) 0xC0, (byte) 0xAF},
    {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80},
    {(byte) 0xE2, (byte) 0x82},
    {(byte) 0x80},
    {(byte) 0xF8, (byte) 0x88, (byte) 0x80, (byte) 0x80, (byte) 0x80},
    {(byte) 0xC1, (byte) 0xBF}
  };
  static final int[] HUGE = {60_000, 65_535, 65_536, 65_537, 66_000, 70_000, 131_072, 200_000};

  static Body utf8(String kind, String s) {
    return new Body(kind, s.getBytes(UTF_8));
  }

  /** Mostly hostile bodies derived from a valid one. */
  static Body hostileBody(Random r, String valid) {
    int k = r.nextInt(100);
    if (k < 12) {
      return utf8("valid", valid);
    }
    if (k < 44) {
      return utf8("mutated", mutate(r, valid));
    }
    if (k < 50) {
      return utf8("structural", pick(r, STRUCTURAL));
    }
    if (k < 55) {
      return utf8("truncated", valid.substring(0, r.nextInt(Math.max(1, valid.length()))));
    }
    if (k < 61) {
      return utf8("duplicate-key", duplicateKey(r, valid));
    }
    if (k < 66) {
      return deepNesting(r, valid);
    }
    if (k < 72) {
      return huge(r, valid);
    }
    if (k < 80) {
      return invalidUtf8(r, valid);
    }
    if (k < 85) {
      return utf8("wrong-top-type", pick(r, WRONG_TOP));
    }
    if (k < 89) {
      return utf8("trailing", valid + pick(r, TRAILING));
    }
    if (k < 95) {
      return otherEncoding(r, valid);
    }
    byte[] noise = new byte[1 + r.nextInt(2048)];
    r.nextBytes(noise);
    return new Body("random-bytes", noise);
  }

  /** Flip, delete, rename, add or retype one field of a valid JSON object. */
  static String mutate(Random r, String valid) {
    JsonNode root;
    try {
      root = M.readTree(valid);
    } catch (IOException e) {
      return valid;
    }
    if (!(root instanceof ObjectNode obj)) {
      return valid;
    }
    List<Object[]> slots = new ArrayList<>();
    collect(obj, slots);
    Map<String, String> raw = new LinkedHashMap<>();
    if (slots.isEmpty() || r.nextInt(10) == 0) {
      String ph = "__FUZZ_" + raw.size() + "__";
      String name =
          pick(
              r,
              new String[] {
                "identifier",
                "code",
                "session_token",
                "channels",
                "recipients",
                "__proto__",
                "constructor",
                "email",
                "phoneNumber",
                "username",
                "mode",
                "name",
                "extra",
                ""
              });
      obj.set(name, TextNode.valueOf(ph));
      raw.put(ph, hostileValue(r, name));
    } else {
      Object[] slot = pick(r, slots);
      ObjectNode parent = (ObjectNode) slot[0];
      String field = (String) slot[1];
      JsonNode current = parent.get(field);
      switch (r.nextInt(8)) {
        case 0 -> parent.remove(field);
        case 1, 2, 3 -> {
          String ph = "__FUZZ_0__";
          parent.set(field, TextNode.valueOf(ph));
          raw.put(ph, hostileValue(r, field));
        }
        case 4 -> {
          parent.remove(field);
          String renamed =
              pick(
                  r,
                  new String[] {
                    field.toUpperCase(Locale.ROOT),
                    field + " ",
                    " " + field,
                    field + "\u0000",
                    field.replace('_', '-'),
                    field + "s",
                    ""
                  });
          parent.set(renamed, current);
        }
        case 5 -> {
          ArrayNode wrapped = M.createArrayNode();
          wrapped.add(current);
          parent.set(field, wrapped);
        }
        case 6 ->
            parent.set(
                field,
                current.isTextual()
                    ? M.getNodeFactory().numberNode(current.asText().length())
                    : TextNode.valueOf(current.toString()));
        default ->
            parent.set(
                field, r.nextBoolean() ? M.createObjectNode() : M.getNodeFactory().nullNode());
      }
    }
    String text;
    try {
      text = M.writeValueAsString(root);
    } catch (IOException e) {
      return valid;
    }
    for (Map.Entry<String, String> e : raw.entrySet()) {
      text = text.replace("\"" + e.getKey() + "\"", e.getValue());
    }
    return text;
  }

  static void collect(ObjectNode node, List<Object[]> slots) {
    node.fieldNames()
        .forEachRemaining(
            name -> {
              slots.add(new Object[] {node, name});
              JsonNode child = node.get(name);
              if (child instanceof ObjectNode o) {
                collect(o, slots);
              } else if (child instanceof ArrayNode a) {
                a.forEach(
                    c -> {
                      if (c instanceof ObjectNode o) {
                        collect(o, slots);
                      }
                    });
              }
            });
  }

  static String duplicateKey(Random r, String valid) {
    List<String> names = new ArrayList<>();
    try {
      M.readTree(valid).fieldNames().forEachRemaining(names::add);
    } catch (IOException | RuntimeException e) {
      // not an object: fall back to a generic key
    }
    String name = names.isEmpty() ? "identifier" : pick(r, names);
    String dup = quote(name) + ":" + hostileValue(r, name);
    if (!valid.startsWith("{") || !valid.endsWith("}") || valid.length() < 3) {
      return "{" + dup + "," + dup + "}";
    }
    return r.nextBoolean()
        ? "{" + dup + "," + valid.substring(1)
        : valid.substring(0, valid.length() - 1) + "," + dup + "}";
  }

  static Body deepNesting(Random r, String valid) {
    return switch (r.nextInt(5)) {
      case 0 -> utf8("deep-open", "[".repeat(10_000));
      case 1 -> utf8("deep-balanced", "[".repeat(10_000) + "]".repeat(10_000));
      case 2 -> utf8("deep-objects", "{\"a\":".repeat(5_000) + "1" + "}".repeat(5_000));
      case 3 ->
          utf8(
              "deep-in-field",
              valid.startsWith("{") && valid.length() > 2
                  ? "{\"identifier\":"
                      + "[".repeat(2_000)
                      + "]".repeat(2_000)
                      + ","
                      + valid.substring(1)
                  : "[".repeat(2_000) + "]".repeat(2_000));
      default -> utf8("deep-mixed", "{\"a\":[".repeat(3_000) + "]}".repeat(3_000));
    };
  }

  static Body huge(Random r, String valid) {
    int target = HUGE[r.nextInt(HUGE.length)];
    if (r.nextInt(40) == 0) {
      target = 1_100_000;
    }
    String prefix =
        valid.startsWith("{") && valid.endsWith("}") && valid.length() > 2
            ? valid.substring(0, valid.length() - 1) + ",\"pad\":\""
            : "{\"pad\":\"";
    int pad = Math.max(0, target - prefix.length() - 2);
    String body = prefix + "a".repeat(pad) + "\"}";
    return utf8("huge-" + (target <= MAX_BODY ? "under" : "over") + "-cap", body);
  }

  static Body invalidUtf8(Random r, String valid) {
    byte[] v = valid.getBytes(UTF_8);
    byte[] bad = pick(r, BAD_UTF8);
    int at = -1;
    List<Integer> starts = new ArrayList<>();
    for (int i = 0; i + 1 < v.length; i++) {
      if (v[i] == ':' && v[i + 1] == '"') {
        starts.add(i + 2);
      }
    }
    if (!starts.isEmpty() && r.nextInt(4) > 0) {
      at = pick(r, starts);
    } else if (v.length > 0) {
      at = r.nextInt(v.length);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    if (at < 0) {
      out.writeBytes(bad);
    } else {
      out.write(v, 0, at);
      out.writeBytes(bad);
      out.write(v, at, v.length - at);
    }
    return new Body("invalid-utf8", out.toByteArray());
  }

  static Body otherEncoding(Random r, String valid) {
    return switch (r.nextInt(5)) {
      case 0 -> new Body("utf16be", valid.getBytes(Charset.forName("UTF-16BE")));
      case 1 -> new Body("utf16-bom", valid.getBytes(Charset.forName("UTF-16")));
      case 2 -> new Body("utf32", valid.getBytes(Charset.forName("UTF-32")));
      case 3 -> {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF});
        out.writeBytes(valid.getBytes(UTF_8));
        yield new Body("utf8-bom", out.toByteArray());
      }
      default -> new Body("latin1", valid.replace("example", "ex\u00e4mple").getBytes(ISO_8859_1));
    };
  }

  // ---------------------------------------------------------------------------------------------
  // valid bodies per endpoint
  // ---------------------------------------------------------------------------------------------

  static String phone(Random r) {
    return "+1415555" + String.format("%04d", r.nextInt(10_000));
  }

  static String mail(Random r) {
    return "fuzz-" + r.nextInt(100_000) + "@example.com";
  }

  static String json(Object o) {
    try {
      return M.writeValueAsString(o);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  static String validSend(Random r) {
    Map<String, Object> b = new LinkedHashMap<>();
    int c = r.nextInt(3);
    b.put(
        "channels", c == 0 ? List.of("sms") : c == 1 ? List.of("email") : List.of("sms", "email"));
    Map<String, Object> to = new LinkedHashMap<>();
    to.put("sms", phone(r));
    to.put("email", mail(r));
    b.put("recipients", to);
    if (r.nextBoolean()) {
      b.put("config", Map.of("otp_length", 6, "expiry", 600, "max_attempts", 3));
    }
    if (r.nextBoolean()) {
      b.put("metadata", Map.of("order", "42", "nested", Map.of("a", 1)));
    }
    if (r.nextInt(3) == 0) {
      b.put("sandbox_mode", true);
    }
    return json(b);
  }

  static String validVerify(Random r) {
    boolean sandbox = r.nextInt(4) > 0;
    SandboxSession s = pick(r, fx.sandbox());
    String token = sandbox ? s.token() : pick(r, fx.liveTokens());
    String code =
        sandbox && r.nextInt(5) == 0 ? s.code() : String.format("%06d", r.nextInt(1_000_000));
    Map<String, Object> otps = new LinkedHashMap<>();
    otps.put("sms", code);
    if (r.nextInt(4) == 0) {
      otps.put("email", code);
    }
    return json(Map.of("session_token", token, "otps", otps));
  }

  static String validResend(Random r) {
    return json(
        Map.of(
            "session_token",
            r.nextInt(4) > 0 ? pick(r, fx.sandbox()).token() : pick(r, fx.liveTokens())));
  }

  static String validIdentifier(Random r) {
    return r.nextBoolean()
        ? json(Map.of("type", "phone_number", "value", phone(r)))
        : json(Map.of("type", "email_address", "value", mail(r)));
  }

  static String validStart(Random r, boolean stepUp, String appId) {
    StringBuilder b = new StringBuilder("{");
    if (stepUp && r.nextInt(3) == 0) {
      String ch =
          switch (r.nextInt(5)) {
            case 0, 1 -> pick(r, fx.challengeTokens());
            case 2 -> fx.expiredChallenge();
            case 3 -> "eyJhbGciOiJub25lIn0.e30.";
            default -> flip(r, pick(r, fx.challengeTokens()));
          };
      b.append("\"challenge_token\":").append(quote(ch));
      if (r.nextBoolean()) {
        b.append(",\"identifier\":").append(validIdentifier(r));
      }
    } else {
      b.append("\"identifier\":").append(validIdentifier(r));
    }
    if (r.nextInt(4) == 0) {
      String cfg =
          pipeline.appId.equals(appId) && r.nextBoolean()
              ? fx.pipelineLoginConfig()
              : pick(r, fx.targetLoginConfigs());
      b.append(",\"login_config_id\":").append(quote(cfg));
    }
    if (r.nextInt(3) == 0) {
      b.append(",\"dispatch_id\":")
          .append(quote(UUID.nameUUIDFromBytes(new byte[] {(byte) r.nextInt()}).toString()));
    }
    return b.append("}").toString();
  }

  static String validCheck(Random r, boolean stepUp) {
    Map<String, Object> b = new LinkedHashMap<>();
    b.put("code", String.format("%06d", r.nextInt(1_000_000)));
    if (stepUp && r.nextInt(3) == 0) {
      b.put("challenge_token", pick(r, fx.challengeTokens()));
    }
    return json(b);
  }

  /** One character of a token changed (a forged signature or payload). */
  static String flip(Random r, String token) {
    if (token.isEmpty()) {
      return "x";
    }
    char[] c = token.toCharArray();
    int i = r.nextInt(c.length);
    c[i] = c[i] == 'A' ? 'B' : 'A';
    return new String(c);
  }

  // ---------------------------------------------------------------------------------------------
  // hostile headers
  // ---------------------------------------------------------------------------------------------

  static final String[] CONTENT_TYPES = {
    "text/plain",
    "multipart/form-data; boundary=----fuzz",
    "multipart/form-data",
    "application/json; charset=bogus",
    "application/json; charset=utf-16",
    "application/json;charset=\"",
    "APPLICATION/JSON",
    "application/jsonx",
    "application/x-www-form-urlencoded",
    "*/*",
    "",
    "application/json, text/plain",
    "application/json;;;",
    "json",
    "application/problem+json",
    "text/json",
    " application/json ",
    "application/json; charset=UTF-8",
    "application/json; charset=" + "x".repeat(300),
    "application/xml",
    "image/png"
  };
  static final String[] ACCEPTS = {
    "text/html",
    "application/xml",
    "*/*",
    "text/plain",
    "application/json;q=0",
    "",
    "image/png",
    "a".repeat(500),
    "text/html, application/xhtml+xml"
  };
  static final String[] XFF_GARBAGE = {
    "garbage",
    "1.2.3.4, not-an-ip",
    "999.999.999.999",
    ",,,,",
    ", ",
    "::::::::",
    "1.2.3.4,",
    "a".repeat(2000),
    "' OR 1=1 --",
    "[::1]",
    "1.1.1.1:8080",
    "::ffff:1.2.3.4",
    "0.0.0.0",
    "255.255.255.255",
    "1.2.3.4, 5.6.7.8, " + "9".repeat(45),
    "unknown",
    "fe80::1%eth0",
    "127.0.0.1\u0000"
  };
  static final String[] IDEMPOTENCY = {
    "",
    " ",
    "a".repeat(255),
    "a".repeat(256),
    "\u00fc",
    "key with space",
    "\t",
    "\ud83d\ude00",
    "../..",
    "${jndi:x}",
    "k\u0000",
    "\"quoted\"",
    "a".repeat(5000)
  };

  static void hostileHeaders(B b, Random r) {
    if (b.body != null && r.nextInt(100) < 30) {
      int k = r.nextInt(10);
      if (k == 0) {
        b.set("Content-Type", null);
        b.tags.add("no-ct");
      } else if (k == 1) {
        String other = pick(r, CONTENT_TYPES);
        if (r.nextBoolean()) {
          b.set("Content-Type", other).add("Content-Type", "application/json");
        } else {
          b.set("Content-Type", "application/json").add("Content-Type", other);
        }
        b.tags.add("dup-ct");
      } else {
        b.set("Content-Type", pick(r, CONTENT_TYPES));
        b.tags.add("ct");
      }
    }
    if (r.nextInt(100) < 12) {
      b.set("Accept", pick(r, ACCEPTS));
    }
    if (r.nextInt(100) < 12) {
      b.set("Idempotency-Key", r.nextBoolean() ? "idem-" + r.nextInt(40) : pick(r, IDEMPOTENCY));
      b.tags.add("idem");
    }
    if (!b.has("X-Forwarded-For") && r.nextInt(100) < 45) {
      b.set(
          "X-Forwarded-For",
          r.nextInt(4) > 0
              ? "10." + r.nextInt(256) + "." + r.nextInt(256) + "." + r.nextInt(256)
              : pick(r, XFF_GARBAGE));
    }
    if (r.nextInt(100) < 4) {
      b.set("X-Fuzz", longString(r, 1000 + r.nextInt(5500)).replaceAll("[^\\x21-\\x7e]", "z"));
      b.tags.add("big-header");
    }
    if (r.nextInt(250) == 0) {
      b.set("X-Fuzz", "b".repeat(9_000 + r.nextInt(30_000)));
      b.tags.add("over-8k-header");
      b.edge = true;
    }
    if (r.nextInt(100) < 3) {
      b.set(
          pick(
              r,
              new String[] {
                "User-Agent", "Referer", "X-Request-Id", "Forwarded", "X-Real-IP", "X-Original-URL"
              }),
          pick(
              r,
              new String[] {
                "<script>",
                "${jndi:ldap://x}",
                "../../admin",
                "for=\"[::1]\";proto=https",
                "/v2/session/apps"
              }));
    }
  }

  static String mgmtAuth(Random r) {
    String key = pipeline.managementKey;
    return switch (r.nextInt(20)) {
      case 0 -> null;
      case 1 -> "Bearer";
      case 2 -> "Bearer ";
      case 3 -> "Bearer  ";
      case 4 -> "Basic x";
      case 5 -> "Basic " + Base64.getEncoder().encodeToString(("admin:" + key).getBytes(UTF_8));
      case 6 -> "Bearer " + "x".repeat(5000);
      case 7 -> "Bearer " + "x".repeat(290);
      case 8 -> "Bearer " + pipeline.liveKey;
      case 9 -> "Bearer " + key + "x";
      case 10 -> "Bearer " + key.toUpperCase(Locale.ROOT);
      case 11 -> "Token " + key;
      case 12 -> "Bearer\t" + key;
      case 13 -> "";
      case 14 -> "Bearer " + key + ", Bearer x";
      case 15 -> "Bearer \u00fc" + key;
      case 16 -> "bearer " + key;
      case 17 -> "BEARER  " + key + "  ";
      default -> "Bearer " + key + "\u0000";
    };
  }

  static String apiKey(Random r) {
    int k = r.nextInt(20);
    if (k < 8) {
      return pipeline.liveKey;
    }
    if (k < 14) {
      return pipeline.testKey;
    }
    return switch (k) {
      case 14 -> "sk_live_nope";
      case 15 -> null;
      case 16 -> pick(r, new String[] {"", " ", "null", "' OR 1=1 --", pipeline.managementKey});
      case 17 -> pick(r, new String[] {"x".repeat(201), "x".repeat(5000), "x".repeat(200)});
      case 18 ->
          pick(
              r,
              new String[] {
                " " + pipeline.liveKey + " ",
                pipeline.liveKey.toUpperCase(Locale.ROOT),
                pipeline.testKey + "\u0000",
                "Bearer " + pipeline.liveKey
              });
      default -> flip(r, pipeline.liveKey);
    };
  }

  /** The Host for the session API and ZAP: mostly the app's, else unknown apps and garbage. */
  static String appHost(Random r, B b) {
    int k = r.nextInt(100);
    String app = pipeline.appId;
    if (k < 62) {
      return app + ".localhost";
    }
    if (k < 68) {
      return app + ".session.example.com";
    }
    if (k < 71) {
      return app.toUpperCase(Locale.ROOT) + ".LOCALHOST";
    }
    if (k < 74) {
      return app + ".localhost:" + port;
    }
    if (k < 78) {
      return pick(r, fx.targetApps()) + ".localhost";
    }
    if (k < 88) {
      b.tags.add("unknown-host");
      return pick(
          r,
          new String[] {
            "nosuchapp.localhost",
            "app-zzzzzzzzzzzzzzzzzzzzzzzzzz.localhost",
            "localhost",
            "127.0.0.1",
            "example.com",
            "www." + app + ".localhost",
            "demo.localhost",
            "app-.localhost"
          });
    }
    b.tags.add("garbage-host");
    b.edge = true;
    return pick(
        r,
        new String[] {
          "",
          "..",
          ".localhost",
          "-.localhost",
          "a".repeat(300) + ".localhost",
          "[::1]",
          "[::1]:80",
          app + ".localhost:abc",
          app + ".localhost:99999",
          "\u00fc.localhost",
          "evil.com@" + app + ".localhost",
          app + ".localhost/../x",
          " " + app + ".localhost",
          app + "..localhost",
          "*.localhost",
          "%00.localhost",
          app,
          app + ".localhost:",
          "a".repeat(70) + ".localhost",
          app + "._.localhost"
        });
  }

  static String cookie(Random r, String purpose) {
    String name = "__Host-verification-login_" + pipeline.appId;
    List<String> same = "login".equals(purpose) ? fx.loginCookies() : fx.otpCookies();
    List<String> other = "login".equals(purpose) ? fx.otpCookies() : fx.loginCookies();
    int k = r.nextInt(100);
    if (k < 45) {
      return pick(r, same);
    }
    if (k < 52) {
      return pick(r, other);
    }
    if (k < 56) {
      return pick(r, fx.signedOddCookies());
    }
    String valid = pick(r, same);
    String token = valid.split("=", 2)[1];
    String b64 =
        Base64.getUrlEncoder().withoutPadding().encodeToString("{\"alg\":\"none\"}".getBytes(UTF_8))
            + "."
            + token.split("\\.")[1]
            + ".";
    return switch (r.nextInt(16)) {
      case 0 -> name + "=" + flip(r, token);
      case 1 -> name + "=" + token.substring(0, r.nextInt(token.length()));
      case 2 -> name + "=" + token + "x";
      case 3 -> "__Host-verification-login_" + pick(r, fx.targetApps()) + "=" + token;
      case 4 -> name + "=";
      case 5 -> name;
      case 6 -> name + "=" + "a".repeat(4000);
      case 7 -> name + "=" + "a".repeat(6500);
      case 8 -> name + "=garbage; " + valid;
      case 9 -> valid + "; " + name + "=garbage";
      case 10 -> "=;=;;;" + name + "==";
      case 11 -> name + "=" + b64;
      case 12 -> name + "=\"" + token + "\"";
      case 13 -> String.join("; ", Collections.nCopies(100, "x=y")) + "; " + valid;
      case 14 -> name + "=" + token.replace('.', '\u00e9');
      default -> name + "=" + "eyJ" + "A".repeat(2100);
    };
  }

  static String b64(String s) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(s.getBytes(UTF_8));
  }

  static String dpop(Random r, String hostHeader) {
    String htu = "https://" + hostHeader + "/v1/session/login/otp/check";
    String claims =
        "{\"jti\":\""
            + new UUID(r.nextLong(), r.nextLong())
            + "\",\"htm\":\"POST\",\"htu\":\""
            + htu
            + "\",\"iat\":"
            + Instant.now().getEpochSecond()
            + "}";
    String sig = "." + b64("sig");
    try {
      return switch (r.nextInt(20)) {
        case 0 -> "not-a-jwt";
        case 1 -> "";
        case 2 -> "a.b.c";
        case 3 -> "...";
        case 4 -> b64("{\"alg\":\"none\",\"typ\":\"dpop+jwt\"}") + "." + b64(claims) + ".";
        case 5 ->
            b64("{\"typ\":\"dpop+jwt\",\"alg\":\"ES256\",\"jwk\":\"string\"}")
                + "."
                + b64(claims)
                + sig;
        case 6 ->
            b64(
                    "{\"typ\":\"dpop+jwt\",\"alg\":\"ES256\",\"jwk\":{\"kty\":\"RSA\",\"n\":\"AQAB\",\"e\":\"AQAB\"}}")
                + "."
                + b64(claims)
                + sig;
        case 7 ->
            b64(
                    "{\"typ\":\"dpop+jwt\",\"alg\":\"ES256\",\"jwk\":{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"AAAA\",\"y\":\"AAAA\"}}")
                + "."
                + b64(claims)
                + sig;
        case 8 ->
            b64(
                    "{\"typ\":\"dpop+jwt\",\"alg\":\"ES256\",\"jwk\":{\"kty\":\"EC\",\"crv\":\"P-999\",\"x\":\"AAAA\",\"y\":\"AAAA\"}}")
                + "."
                + b64(claims)
                + sig;
        case 9 ->
            signed(
                new JWSHeader.Builder(JWSAlgorithm.ES256)
                    .type(new JOSEObjectType("dpop+jwt"))
                    .jwk(fx.dpopKey())
                    .build(),
                claims); // the private key in the header
        case 10 ->
            signed(
                new JWSHeader.Builder(JWSAlgorithm.ES256)
                    .type(new JOSEObjectType("jwt"))
                    .jwk(fx.dpopKey().toPublicJWK())
                    .build(),
                claims);
        case 11 ->
            signed(
                dpopHeader(),
                claims.replace(htu, "https://evil.example.com/v1/session/login/otp/check"));
        case 12, 13 -> signed(dpopHeader(), claims);
        case 14 -> "x".repeat(5000);
        case 15 -> b64("[]") + "." + b64("{}") + sig;
        case 16 ->
            b64("{\"typ\":\"dpop+jwt\",\"alg\":\"HS256\",\"jwk\":{\"kty\":\"oct\",\"k\":\"AAAA\"}}")
                + "."
                + b64(claims)
                + sig;
        case 17 ->
            signed(
                dpopHeader(),
                claims.replace(
                    "\"iat\":" + Instant.now().getEpochSecond(), "\"iat\":\"yesterday\""));
        case 18 ->
            signed(dpopHeader(), claims.replace("\"jti\":\"", "\"jti\":\"" + "j".repeat(300)));
        default ->
            Base64.getUrlEncoder()
                    .withoutPadding()
                    .encodeToString(new byte[] {(byte) 0xFF, (byte) 0xFE, 0x7B})
                + "."
                + b64("not json")
                + sig;
      };
    } catch (Exception e) {
      return "unsignable";
    }
  }

  static JWSHeader dpopHeader() {
    return new JWSHeader.Builder(JWSAlgorithm.ES256)
        .type(new JOSEObjectType("dpop+jwt"))
        .jwk(fx.dpopKey().toPublicJWK())
        .build();
  }

  static String signed(JWSHeader header, String claims) throws Exception {
    SignedJWT jwt = new SignedJWT(header, JWTClaimsSet.parse(claims));
    jwt.sign(new ECDSASigner(fx.dpopKey()));
    return jwt.serialize();
  }

  // ---------------------------------------------------------------------------------------------
  // generators, one per family
  // ---------------------------------------------------------------------------------------------

  static final String[] ODD_METHODS = {
    "GET", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS", "TRACE", "FOO", "PROPFIND"
  };

  static Req generate(long seed, int index) {
    Random r = new Random(seed ^ (index * 0x9E3779B97F4A7C15L));
    int roll = r.nextInt(100);
    B b;
    if (roll < 24) {
      b = sendmator(r);
    } else if (roll < 51) {
      b = session(r);
    } else if (roll < 69) {
      b = management(r);
    } else if (roll < 79) {
      b = zap(r);
    } else if (roll < 85) {
      b = preflight(r);
    } else if (roll < 95) {
      b = unknown(r);
    } else {
      b = protocol(r);
    }
    if (!"protocol".equals(b.family)) {
      hostileHeaders(b, r);
    }
    return b.build(index);
  }

  static B sendmator(Random r) {
    String op = pick(r, new String[] {"send", "send", "verify", "resend"});
    B b = new B("sendmator", op, "POST", "/api/v1/otp/" + op);
    if (r.nextInt(25) == 0) {
      b.method = pick(r, ODD_METHODS);
      b.tags.add("method-" + b.method);
    }
    String key = apiKey(r);
    if (key != null) {
      b.add("X-API-Key", key);
    }
    b.tags.add(
        key == null
            ? "no-key"
            : key.equals(pipeline.liveKey)
                ? "live"
                : key.equals(pipeline.testKey) ? "sandbox" : "bad-key");
    b.add("Content-Type", "application/json");
    String valid =
        switch (op) {
          case "send" -> validSend(r);
          case "verify" -> validVerify(r);
          default -> validResend(r);
        };
    b.body(hostileBody(r, valid));
    return b;
  }

  static B session(Random r) {
    String[] paths = {
      "/v1/session/login/otp",
      "/v1/session/login/otp/retry",
      "/v1/session/login/otp/check",
      "/v1/session/otp",
      "/v1/session/otp/retry",
      "/v1/session/otp/check"
    };
    String path = pick(r, paths);
    boolean login = path.startsWith("/v1/session/login");
    String op = path.endsWith("/retry") ? "retry" : path.endsWith("/check") ? "check" : "start";
    B b = new B("session", (login ? "login-" : "otp-") + op, "POST", path);
    if (r.nextInt(25) == 0) {
      b.method = pick(r, ODD_METHODS);
      b.tags.add("method-" + b.method);
    }
    String hostHeader = appHost(r, b);
    b.add("Host", hostHeader);
    String appOfHost = hostHeader.split("[.:]", 2)[0].toLowerCase(Locale.ROOT);
    if (!"start".equals(op) ? r.nextInt(10) < 9 : r.nextInt(8) == 0) {
      b.add("Cookie", cookie(r, login ? "login" : "otp"));
    }
    if (login && "check".equals(op) && r.nextInt(10) < 4) {
      b.add("DPoP", dpop(r, hostHeader));
      b.tags.add("dpop");
    }
    if (r.nextInt(10) == 0) {
      b.add(
          "Origin",
          pick(
              r,
              new String[] {
                "https://shop.example.com",
                "https://evil.example.com",
                "null",
                "",
                "a".repeat(250),
                "https://SHOP.example.com",
                "javascript:alert(1)"
              }));
    }
    if ("retry".equals(op) && r.nextInt(10) < 6) {
      if (r.nextBoolean()) {
        b.add("Content-Type", "application/json");
      }
      b.bodyKind = "none";
      return b;
    }
    b.add("Content-Type", "application/json");
    String valid =
        switch (op) {
          case "start" -> validStart(r, !login, appOfHost);
          case "check" -> validCheck(r, !login);
          default -> "{}";
        };
    b.body(hostileBody(r, valid));
    return b;
  }

  static String appIdFor(Random r, boolean write) {
    int k = r.nextInt(100);
    if (k < 60) {
      return write
          ? pick(r, fx.targetApps())
          : r.nextBoolean() ? pipeline.appId : pick(r, fx.targetApps());
    }
    if (k < 75) {
      return pick(
          r,
          new String[] {
            "nosuch", "app-zzzzzzzzzzzzzzzzzzzzzzzzzz", "demo", "APP", "app-" + "z".repeat(26)
          });
    }
    return pick(
        r,
        new String[] {
          "A".repeat(300),
          "%20",
          "..%2F..",
          "'%20OR%201=1",
          "%E2%80%AE",
          "%00",
          "app-%F0%9F%98%80",
          "%2e",
          "x%0d%0aSet-Cookie:%20a=b",
          "<script>",
          "%ff%fe",
          "{appId}",
          "%",
          "a;b",
          "app-" + "9".repeat(500)
        });
  }

  static String username(Random r) {
    return pick(
        r,
        new String[] {
          "alice",
          "bob.smith",
          "fuzz-" + r.nextInt(500),
          "a".repeat(64),
          "a".repeat(65),
          "a%20b",
          "%C3%A9",
          "a@b",
          "-",
          "%2F",
          "x'--",
          "%00",
          "_",
          "..",
          "a+b",
          "%F0%9F%98%80",
          "a".repeat(2000),
          "nobody"
        });
  }

  static B management(Random r) {
    boolean validAuth = r.nextInt(100) < 58;
    String auth = validAuth ? "Bearer " + pipeline.managementKey : mgmtAuth(r);
    int k = r.nextInt(22);
    B b;
    String valid = null;
    switch (k) {
      case 0, 1 -> {
        b = new B("management", "apps-create", "POST", "/v2/session/apps");
        valid =
            json(
                Map.of(
                    "name",
                    "Fuzz " + r.nextInt(1000),
                    "allowed_origins",
                    List.of("https://shop.example.com")));
      }
      case 2 -> b = new B("management", "apps-list", "GET", "/v2/session/apps");
      case 3, 4 ->
          b = new B("management", "app-get", "GET", "/v2/session/apps/" + appIdFor(r, false));
      case 5, 6 -> {
        b = new B("management", "app-patch", "PATCH", "/v2/session/apps/" + appIdFor(r, true));
        valid =
            json(
                Map.of(
                    "name",
                    "Renamed " + r.nextInt(1000),
                    "allowed_origins",
                    List.of("https://a.example.com", "http://localhost:3000")));
      }
      case 7 -> {
        b =
            new B(
                "management",
                "keys-create",
                "POST",
                "/v2/session/apps/" + appIdFor(r, true) + "/keys");
        valid = json(Map.of("mode", r.nextBoolean() ? "live" : "test"));
      }
      case 8 ->
          b =
              new B(
                  "management",
                  "keys-list",
                  "GET",
                  "/v2/session/apps/" + appIdFor(r, false) + "/keys");
      case 9 ->
          b =
              new B(
                  "management",
                  "key-revoke",
                  "DELETE",
                  "/v2/session/apps/"
                      + appIdFor(r, true)
                      + "/keys/"
                      + pick(
                          r,
                          new String[] {
                            "key_0000000000000000", "nope", "%00", "a".repeat(300), "key_"
                          }));
      case 10, 11 -> {
        b =
            new B(
                "management",
                "config-create",
                "POST",
                "/v2/session/apps/" + appIdFor(r, true) + "/config/login/otp");
        Map<String, Object> cfg = new LinkedHashMap<>();
        cfg.put("config_type", "otp");
        cfg.put("channel_type", r.nextBoolean() ? "sms" : "email");
        cfg.put("is_default", r.nextBoolean());
        cfg.put("template_id", "tpl_" + r.nextInt(100));
        cfg.put("sender_id", "Acme");
        cfg.put("grant_change_password", false);
        valid = json(cfg);
      }
      case 12 ->
          b =
              new B(
                  "management",
                  "config-list",
                  "GET",
                  "/v2/session/apps/" + appIdFor(r, false) + "/config/login/otp");
      case 13 -> {
        boolean get = r.nextBoolean();
        String id =
            pick(
                r,
                new String[] {
                  fx.pipelineLoginConfig(),
                  pick(r, fx.targetLoginConfigs()),
                  "lcfg_nope",
                  "%00",
                  "a".repeat(300)
                });
        String app = get ? appIdFor(r, false) : appIdFor(r, true);
        if (!get && id.equals(fx.pipelineLoginConfig())) {
          id = "lcfg_nope";
        }
        b =
            new B(
                "management",
                get ? "config-get" : "config-delete",
                get ? "GET" : "DELETE",
                "/v2/session/apps/" + app + "/config/login/otp/" + id);
      }
      case 14, 15 -> {
        b =
            new B(
                "management",
                "contact-put",
                "PUT",
                "/v2/session/apps/" + appIdFor(r, true) + "/contacts/" + username(r));
        Map<String, Object> c = new LinkedHashMap<>();
        if (r.nextInt(3) > 0) {
          c.put("email", mail(r));
        }
        if (r.nextInt(3) > 0) {
          c.put("phone_number", phone(r));
        }
        valid = json(c);
      }
      case 16 -> {
        boolean get = r.nextInt(3) > 0;
        b =
            new B(
                "management",
                get ? "contact-get" : "contact-delete",
                get ? "GET" : "DELETE",
                "/v2/session/apps/"
                    + (get ? appIdFor(r, false) : appIdFor(r, true))
                    + "/contacts/"
                    + username(r));
        if (!get && b.path.startsWith("/v2/session/apps/" + pipeline.appId + "/")) {
          b.path = b.path.replace(pipeline.appId, fx.targetApps().get(0));
        }
      }
      case 17, 18 -> {
        b =
            new B(
                "management",
                "challenge-create",
                "POST",
                "/v2/session/apps/" + appIdFor(r, false) + "/challenge-tokens");
        valid =
            "{\"identifier\":"
                + validIdentifier(r)
                + ",\"user_id\":\"u"
                + r.nextInt(100)
                + "\",\"scope\":\"payout\"}";
      }
      case 19 ->
          b =
              new B(
                  "management",
                  "settings-get",
                  "GET",
                  "/v2/apps/" + appIdFor(r, false) + "/settings");
      default -> {
        b =
            new B(
                "management", "settings-put", "PUT", "/v2/apps/" + appIdFor(r, true) + "/settings");
        valid =
            "{\"otp_length\":6,\"expiry_seconds\":600,\"resend_cooldown_seconds\":0,\"sends_per_ip\":{\"limit\":100,"
                + "\"window_seconds\":3600},\"allowed_countries\":[\"US\",\"FR\"],\"quota\":1000}";
      }
    }
    if (r.nextInt(30) == 0) {
      b.method = pick(r, ODD_METHODS);
      b.tags.add("method-" + b.method);
    }
    if (auth != null) {
      b.add("Authorization", auth);
    }
    b.tags.add(validAuth ? "key" : "bad-auth");
    if (valid != null) {
      b.add("Content-Type", "application/json");
      b.body(hostileBody(r, valid));
    } else if (r.nextInt(10) == 0) {
      b.add("Content-Type", "application/json");
      b.body(hostileBody(r, "{}"));
    }
    return b;
  }

  static B zap(Random r) {
    B b = new B("zap", "resend", "POST", "/v1/otp/resend");
    if (r.nextInt(25) == 0) {
      b.method = pick(r, ODD_METHODS);
      b.tags.add("method-" + b.method);
    }
    b.add("Host", appHost(r, b));
    String auth = r.nextInt(100) < 65 ? "Bearer " + pipeline.managementKey : mgmtAuth(r);
    if (auth != null) {
      b.add("Authorization", auth);
    }
    b.add("Content-Type", "application/json");
    Map<String, Object> body = new LinkedHashMap<>();
    switch (r.nextInt(5)) {
      case 0 -> body.put("email", mail(r));
      case 1 -> body.put("phoneNumber", phone(r));
      case 2 -> body.put("username", r.nextBoolean() ? "alice" : "bob.smith");
      case 3 -> {
        body.put("email", mail(r));
        body.put("phoneNumber", phone(r));
      }
      default -> {
        body.put("username", "alice");
        body.put("email", mail(r));
      }
    }
    b.body(hostileBody(r, json(body)));
    return b;
  }

  static B preflight(Random r) {
    boolean sessionPath = r.nextInt(10) < 8;
    String path =
        sessionPath
            ? pick(
                r,
                new String[] {
                  "/v1/session/login/otp",
                  "/v1/session/login/otp/check",
                  "/v1/session/otp",
                  "/v1/session/otp/retry",
                  "/v1/session/nope"
                })
            : pick(
                r,
                new String[] {
                  "/api/v1/otp/send",
                  "/v1/otp/resend",
                  "/v2/session/apps",
                  "/nope",
                  "/.well-known/jwks.json"
                });
    B b = new B("preflight", sessionPath ? "session" : "other", "OPTIONS", path);
    b.add("Host", appHost(r, b));
    String origin =
        pick(
            r,
            new String[] {
              "https://shop.example.com",
              "https://SHOP.example.com",
              "https://evil.example.com",
              "null",
              "",
              "a".repeat(250),
              "https://shop.example.com/",
              "https://shop.example.com:443",
              "javascript:alert(1)",
              null,
              " https://shop.example.com "
            });
    if (origin != null) {
      b.add("Origin", origin);
    }
    if (r.nextInt(5) > 0) {
      b.add(
          "Access-Control-Request-Method",
          pick(r, new String[] {"POST", "GET", "", "DELETE", "FOO", "x".repeat(1000)}));
    }
    if (r.nextBoolean()) {
      b.add(
          "Access-Control-Request-Headers",
          pick(
              r,
              new String[] {
                "content-type", "content-type, dpop", "x-evil", "", "a".repeat(2000), "*"
              }));
    }
    return b;
  }

  static final String[] UNKNOWN_PATHS = {
    "/",
    "/nope",
    "/api",
    "/api/v1",
    "/api/v1/otp",
    "/api/v1/otp/",
    "/api/v1/otp/nope",
    "/api/v1/otp/send/extra",
    "/API/V1/OTP/SEND",
    "/api/v1/otp/SEND",
    "/api/v1/otp/send/",
    "/v1",
    "/v1/session",
    "/v1/session/",
    "/v1/session/nope",
    "/v1/session/login",
    "/v1/session/login/otp/nope",
    "/v1/otp",
    "/v1/otp/resend/",
    "/v1/otp/resend/extra",
    "/v1/otp/send",
    "/v2",
    "/v2/session",
    "/v2/session/apps/x/y/z",
    "/v2/apps",
    "/v2/apps/x",
    "/v2/apps/x/settings/extra",
    "/openapi.json",
    "/docs",
    "/.well-known/jwks.json",
    "/.well-known/",
    "/health/live",
    "/health/ready",
    "/favicon.ico",
    "/index.html",
    "/WEB-INF/web.xml",
    "/admin",
    "/actuator/env",
    "/metrics",
    "/robots.txt",
    "/a?b=c&d=" + "q".repeat(3000),
    "/api/v1/otp/send?x=%3Cscript%3E",
    "/v2/session/apps?limit=-1",
    "/api/v1/otp/send;jsessionid=1",
    "//api/v1/otp/send",
    "/api/v1/otp/../otp/send",
    "/%2e%2e/%2e%2e/etc/passwd",
    "/api/v1/otp/send%00",
    "/api/v1/otp/%73end",
    "/v1/session/login/otp%2Fretry",
    "/" + "a".repeat(6000),
    "/" + "a".repeat(9000),
    "/%",
    "/%zz",
    "/\u00e9",
    "/api/v1/otp/send\\..\\",
    "/v1/otp/resend%20",
    "/api/v1/otp/send%2F"
  };
  static final String[] UNKNOWN_METHODS = {
    "GET",
    "POST",
    "PUT",
    "DELETE",
    "PATCH",
    "HEAD",
    "OPTIONS",
    "TRACE",
    "FOO",
    "PROPFIND",
    "MKCOL",
    "get",
    "CONNECT",
    "M-SEARCH",
    "X".repeat(100)
  };

  static B unknown(Random r) {
    String path = pick(r, UNKNOWN_PATHS);
    String method = pick(r, UNKNOWN_METHODS);
    if (r.nextInt(3) == 0) {
      String known =
          pick(
              r,
              new String[] {
                "/api/v1/otp/send",
                "/api/v1/otp/verify",
                "/v1/session/login/otp",
                "/v1/otp/resend",
                "/v1/session/otp/check",
                "/v2/session/apps",
                "/v2/apps/" + pipeline.appId + "/settings",
                "/.well-known/jwks.json"
              });
      path = known;
      method = pick(r, new String[] {"GET", "PUT", "DELETE", "PATCH", "TRACE", "FOO", "HEAD"});
    }
    B b =
        new B(
            "unknown",
            method + " " + (path.length() > 40 ? path.substring(0, 40) + "…" : path),
            method,
            path);
    if ("CONNECT".equals(method)) {
      b.edge = true; // Jetty's own business
    }
    if (r.nextInt(3) == 0) {
      b.add("Content-Type", "application/json");
      b.body(hostileBody(r, "{\"a\":1}"));
    }
    if (r.nextBoolean()) {
      b.add("Host", appHost(r, b));
    }
    return b;
  }

  /**
   * Raw-socket abuse: duplicate headers, odd framing, oversize heads, chunked bodies over the cap.
   */
  static B protocol(Random r) {
    String app = pipeline.appId;
    String sendBody = "{\"channels\":[\"sms\"],\"recipients\":{\"sms\":\"" + phone(r) + "\"}}";
    B b;
    switch (r.nextInt(16)) {
      case 0 -> {
        b =
            new B(
                "protocol",
                "dup-content-type",
                "POST",
                pick(
                    r,
                    new String[] {
                      "/api/v1/otp/send",
                      "/v1/session/login/otp",
                      "/v1/otp/resend",
                      "/v2/session/apps"
                    }));
        b.add("Content-Type", pick(r, CONTENT_TYPES)).add("Content-Type", "application/json");
        b.add("Host", app + ".localhost")
            .add("X-API-Key", pipeline.testKey)
            .add("Authorization", "Bearer " + pipeline.managementKey);
        b.body(
            utf8(
                "valid",
                b.path.startsWith("/api")
                    ? sendBody
                    : b.path.startsWith("/v1/otp")
                        ? "{\"email\":\"a@example.com\"}"
                        : b.path.startsWith("/v2")
                            ? "{\"name\":\"dup\"}"
                            : "{\"identifier\":" + validIdentifier(r) + "}"));
      }
      case 1 -> {
        b = new B("protocol", "dup-host", "POST", "/v1/session/login/otp");
        b.add("Host", app + ".localhost")
            .add("Host", "nosuchapp.localhost")
            .add("Content-Type", "application/json");
        b.body(utf8("valid", "{\"identifier\":" + validIdentifier(r) + "}"));
        b.edge = true;
      }
      case 2 -> {
        b = new B("protocol", "dup-api-key", "POST", "/api/v1/otp/send");
        b.add("X-API-Key", "sk_live_nope")
            .add("X-API-Key", pipeline.testKey)
            .add("Content-Type", "application/json");
        b.body(utf8("valid", sendBody));
      }
      case 3 -> {
        b =
            new B(
                "protocol",
                "chunked-over-cap",
                "POST",
                pick(
                    r,
                    new String[] {
                      "/api/v1/otp/send",
                      "/v1/session/login/otp",
                      "/v1/otp/resend",
                      "/v2/apps/" + fx.targetApps().get(0) + "/settings",
                      "/v2/session/apps"
                    }));
        b.add("Host", app + ".localhost")
            .add("X-API-Key", pipeline.testKey)
            .add("Authorization", "Bearer " + pipeline.managementKey)
            .add("Content-Type", "application/json");
        int size = pick(r, new Integer[] {70_000, 200_000, 1_100_000});
        b.body(utf8("chunked-" + size, "{\"pad\":\"" + "a".repeat(size) + "\"}"));
        b.chunked = true;
      }
      case 4 -> {
        b = new B("protocol", "chunked-small", "POST", "/api/v1/otp/send");
        b.add("X-API-Key", pipeline.testKey).add("Content-Type", "application/json");
        b.body(utf8("valid", sendBody));
        b.chunked = true;
      }
      case 5 -> {
        b =
            new B(
                "protocol",
                "header-over-8k",
                "GET",
                pick(r, new String[] {"/api/v1/otp/send", "/v2/session/apps", "/v1/session/otp"}));
        b.add("X-Big", "h".repeat(pick(r, new Integer[] {8_500, 16_000, 70_000})));
        b.edge = true;
      }
      case 6 -> {
        b = new B("protocol", "header-7k", "POST", "/api/v1/otp/send");
        b.add("X-API-Key", pipeline.testKey)
            .add("Content-Type", "application/json")
            .add("X-Big", "h".repeat(7_000));
        b.body(utf8("valid", sendBody));
      }
      case 7 -> {
        b = new B("protocol", "non-ascii-header", "POST", "/api/v1/otp/send");
        b.add("X-API-Key", pipeline.testKey + "\u00e9\ud83d\ude00")
            .add("Content-Type", "application/json");
        b.body(utf8("valid", sendBody));
      }
      case 8 -> {
        b = new B("protocol", "cl-and-te", "POST", "/api/v1/otp/send");
        b.rawBytes =
            ("POST /api/v1/otp/send HTTP/1.1\r\nHost: localhost\r\nX-API-Key: "
                    + pipeline.testKey
                    + "\r\nContent-Type: application/json\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
                    + "0\r\n\r\n")
                .getBytes(UTF_8);
      }
      case 9 -> {
        b = new B("protocol", "garbage-request-line", "GET", "/");
        b.rawBytes =
            pick(
                    r,
                    new String[] {
                      "GARBAGE\r\n\r\n",
                      "GET / HTTP/9.9\r\nHost: x\r\n\r\n",
                      "GET\r\n\r\n",
                      "GET /api/v1/otp/send HTTP/1.1\r\nHost: x\r\nX Bad: 1\r\n\r\n",
                      "POST /api/v1/otp/send HTTP/1.1\r\nHost: x\r\n"
                          + "Content-Length: -1\r\n\r\n",
                      "POST /api/v1/otp/send HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n",
                      "GET http://evil.example.com/api/v1/otp/send HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
                      "GET /v2/session/apps HTTP/1.1\r\nHost: x\r\nX-A: a\r\n  folded\r\nConnection: close\r\n\r\n",
                      "\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
                    })
                .getBytes(UTF_8);
      }
      case 10 -> {
        b = new B("protocol", "http10-no-host", "POST", "/v1/session/login/otp");
        b.rawBytes =
            ("POST /v1/session/login/otp HTTP/1.0\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}")
                .getBytes(UTF_8);
        b.strict = true; // HTTP/1.0 needs no Host: our routes answer (unknown app)
      }
      case 11 -> {
        b = new B("protocol", "http11-no-host", "GET", "/v2/session/apps");
        b.rawBytes = "GET /v2/session/apps HTTP/1.1\r\nConnection: close\r\n\r\n".getBytes(UTF_8);
      }
      case 12 -> {
        b = new B("protocol", "bad-chunks", "POST", "/api/v1/otp/send");
        b.rawBytes =
            ("POST /api/v1/otp/send HTTP/1.1\r\nHost: x\r\nX-API-Key: "
                    + pipeline.testKey
                    + "\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\nzz\r\n{}\r\n0\r\n\r\n")
                .getBytes(UTF_8);
      }
      case 13 -> {
        b = new B("protocol", "invalid-utf8-path", "GET", "/api/v1/otp/\u00ff");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes("GET /v2/session/apps/".getBytes(UTF_8));
        out.writeBytes(new byte[] {(byte) 0xC3, 0x28, (byte) 0xFF});
        out.writeBytes(" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".getBytes(UTF_8));
        b.rawBytes = out.toByteArray();
      }
      case 14 -> {
        b = new B("protocol", "expect-continue-over-cap", "POST", "/api/v1/otp/send");
        b.expectBody = ("{\"pad\":\"" + "a".repeat(100_000 - 11) + "\"}").getBytes(UTF_8);
        b.rawBytes =
            ("POST /api/v1/otp/send HTTP/1.1\r\nHost: x\r\nX-API-Key: "
                    + pipeline.testKey
                    + "\r\nContent-Type: application/json\r\nExpect: 100-continue\r\nContent-Length: "
                    + b.expectBody.length
                    + "\r\nConnection: close\r\n\r\n")
                .getBytes(UTF_8);
        b.strict = true; // the cap is ours: this must be a Sendmator 413
      }
      default -> {
        b = new B("protocol", "many-headers", "GET", "/v2/session/apps");
        for (int i = 0; i < 150; i++) {
          b.add("X-H" + i, "v");
        }
        b.add("Authorization", "Bearer " + pipeline.managementKey);
      }
    }
    return b;
  }

  // ---------------------------------------------------------------------------------------------
  // transport
  // ---------------------------------------------------------------------------------------------

  static final ConcurrentLinkedQueue<String> CONTINUES = new ConcurrentLinkedQueue<>();

  /**
   * Sends {@code q} on a socket of its own. Not through the JDK client: it reported "EOF reached
   * while reading" for 1 to 4 ordinary requests in 10,000, even with a connection of their own,
   * where the same requests written by hand were always answered.
   */
  static Res execute(Req q) {
    return raw(q, System.nanoTime());
  }

  static String describe(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root.getClass().getSimpleName() + ": " + root.getMessage();
  }

  static long ms(long t0) {
    return (System.nanoTime() - t0) / 1_000_000;
  }

  static Res raw(Req q, long t0) {
    byte[] request = q.rawBytes() != null ? q.rawBytes() : rawRequest(q);
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(30_000);
      OutputStream out = s.getOutputStream();
      try {
        out.write(request);
        out.flush();
      } catch (IOException e) {
        // the server may answer and close before reading everything: read what it said
      }
      byte[] interim = new byte[0];
      if (q.expectBody() != null) {
        // wait (briefly) for 100 Continue or a final answer; send the body only when invited or
        // after the wait
        s.setSoTimeout(3_000);
        ByteArrayOutputStream seen = new ByteArrayOutputStream();
        byte[] chunk = new byte[4096];
        try {
          while (headEnd(seen.toByteArray(), seen.size()) < 0) {
            int n = s.getInputStream().read(chunk);
            if (n < 0) {
              break;
            }
            seen.write(chunk, 0, n);
          }
        } catch (java.net.SocketTimeoutException e) {
          // no interim answer: a client proceeds with the body
        }
        byte[] got = seen.toByteArray();
        String first = new String(got, ISO_8859_1);
        if (first.startsWith("HTTP/1.1 100") || got.length == 0) {
          CONTINUES.add(
              (got.length == 0 ? "no 100 within 3 s" : "100 Continue") + " for " + q.label());
          int end = headEnd(got, got.length);
          interim = end < 0 ? new byte[0] : java.util.Arrays.copyOfRange(got, end + 4, got.length);
          try {
            out.write(q.expectBody());
            out.flush();
          } catch (IOException e) {
            // answered early: read it
          }
        } else {
          interim = got; // a final answer before the body: exactly what we hope for
        }
        s.setSoTimeout(30_000);
      }
      byte[] response = readResponse(s.getInputStream(), "HEAD".equals(q.method()), interim);
      if (response.length == 0) {
        return new Res(q, -1, "", Map.of(), "connection closed without a response", ms(t0));
      }
      return parse(q, response, ms(t0));
    } catch (IOException e) {
      return new Res(q, -1, "", Map.of(), describe(e), ms(t0));
    }
  }

  static byte[] rawRequest(Req q) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    String target = q.path();
    out.writeBytes((q.method() + " " + target + " HTTP/1.1\r\n").getBytes(UTF_8));
    if (q.header("Host") == null) {
      out.writeBytes(("Host: localhost:" + port + "\r\n").getBytes(UTF_8));
    }
    for (Map.Entry<String, String> e : q.headers()) {
      out.writeBytes((e.getKey() + ": " + e.getValue() + "\r\n").getBytes(UTF_8));
    }
    byte[] body = q.body();
    if (q.chunked()) {
      out.writeBytes("Transfer-Encoding: chunked\r\n".getBytes(UTF_8));
    } else if (body != null) {
      out.writeBytes(("Content-Length: " + body.length + "\r\n").getBytes(UTF_8));
    }
    out.writeBytes("Connection: close\r\n\r\n".getBytes(UTF_8));
    if (body != null) {
      if (q.chunked()) {
        for (int i = 0; i < body.length; i += 8192) {
          int n = Math.min(8192, body.length - i);
          out.writeBytes((Integer.toHexString(n) + "\r\n").getBytes(UTF_8));
          out.write(body, i, n);
          out.writeBytes("\r\n".getBytes(UTF_8));
        }
        out.writeBytes("0\r\n\r\n".getBytes(UTF_8));
      } else {
        out.writeBytes(body);
      }
    }
    return out.toByteArray();
  }

  static int headEnd(byte[] b, int length) {
    for (int i = 0; i + 3 < length; i++) {
      if (b[i] == '\r' && b[i + 1] == '\n' && b[i + 2] == '\r' && b[i + 3] == '\n') {
        return i;
      }
    }
    return -1;
  }

  static byte[] readResponse(InputStream in, boolean head, byte[] already) throws IOException {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    buf.writeBytes(already);
    byte[] chunk = new byte[16_384];
    boolean first = already.length > 0;
    while (true) {
      int n;
      try {
        if (first) {
          first = false;
          n = 0; // examine what we already have before blocking
        } else {
          n = in.read(chunk);
        }
      } catch (SocketException e) {
        if (buf.size() > 0) {
          break;
        }
        throw e;
      }
      if (n < 0) {
        break;
      }
      buf.write(chunk, 0, n);
      byte[] all = buf.toByteArray();
      int end = headEnd(all, all.length);
      if (end < 0) {
        continue;
      }
      String headText = new String(all, 0, end, ISO_8859_1);
      if (headText.startsWith("HTTP/1.1 100")) {
        // an interim 100 Continue: drop it and keep reading the final answer
        buf.reset();
        buf.write(all, end + 4, all.length - end - 4);
        continue;
      }
      String lower = headText.toLowerCase(Locale.ROOT);
      int status = statusOf(headText);
      if (head || status == 204 || status == 304) {
        break;
      }
      int cl = lower.indexOf("\r\ncontent-length:");
      if (cl >= 0) {
        int eol = lower.indexOf("\r\n", cl + 2);
        long length =
            Long.parseLong(lower.substring(cl + 17, eol < 0 ? lower.length() : eol).strip());
        if (all.length - end - 4 >= length) {
          break;
        }
      } else if (lower.contains("transfer-encoding: chunked")) {
        if (new String(
                all, all.length - Math.min(5, all.length), Math.min(5, all.length), ISO_8859_1)
            .equals("0\r\n\r\n")) {
          break;
        }
      }
    }
    return buf.toByteArray();
  }

  static int statusOf(String head) {
    try {
      return Integer.parseInt(head.split(" ", 3)[1].strip());
    } catch (RuntimeException e) {
      return -1;
    }
  }

  static Res parse(Req q, byte[] response, long millis) {
    int end = headEnd(response, response.length);
    String head = new String(response, 0, end < 0 ? response.length : end, ISO_8859_1);
    int status = statusOf(head);
    Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    String[] lines = head.split("\r\n");
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      if (colon > 0) {
        headers
            .computeIfAbsent(lines[i].substring(0, colon).strip(), k -> new ArrayList<>())
            .add(lines[i].substring(colon + 1).strip());
      }
    }
    byte[] body =
        end < 0 ? new byte[0] : java.util.Arrays.copyOfRange(response, end + 4, response.length);
    if (headers.getOrDefault("Transfer-Encoding", List.of()).stream()
        .anyMatch(v -> v.equalsIgnoreCase("chunked"))) {
      body = dechunk(body);
    }
    if (status < 0) {
      return new Res(
          q,
          -1,
          new String(response, UTF_8),
          headers,
          "unparseable response: " + clip(head, 80),
          millis);
    }
    return new Res(q, status, new String(body, UTF_8), headers, null, millis);
  }

  static byte[] dechunk(byte[] in) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int i = 0;
    while (i < in.length) {
      int eol = i;
      while (eol + 1 < in.length && !(in[eol] == '\r' && in[eol + 1] == '\n')) {
        eol++;
      }
      int size;
      try {
        size = Integer.parseInt(new String(in, i, eol - i, ISO_8859_1).split(";")[0].strip(), 16);
      } catch (RuntimeException e) {
        break;
      }
      if (size == 0) {
        break;
      }
      int start = eol + 2;
      out.write(in, start, Math.min(size, in.length - start));
      i = start + size + 2;
    }
    return out.toByteArray();
  }

  // ---------------------------------------------------------------------------------------------
  // checks
  // ---------------------------------------------------------------------------------------------

  static final String[] LEAK_MARKERS = {
    "Exception",
    "\tat ",
    "at io.",
    "at org.",
    "at java.",
    "at com.",
    "java.lang",
    "java.util.",
    "com.fasterxml",
    "org.eclipse",
    "io.javalin",
    "io.otpstream",
    "Caused by:",
    ".java:",
    "kotlin.",
    "NullPointer",
    "StackOverflow"
  };

  /**
   * The error families a path belongs to (by the server's own rule; a trailing slash may fall
   * either way).
   */
  static Set<String> families(String path) {
    String p = path.split("[?#]", 2)[0];
    if (p.equals("/api/v1/otp") || p.startsWith("/api/v1/otp/")) {
      return Set.of("sendmator");
    }
    if (p.equals("/v1/otp/resend")) {
      return Set.of("zap");
    }
    if (p.equals("/v1/otp/resend/")) {
      return Set.of("zap", "prelude");
    }
    return Set.of("prelude");
  }

  static String formatProblem(String family, int status, String body) {
    JsonNode j;
    try {
      j = M.readTree(body);
    } catch (IOException e) {
      return "not JSON";
    }
    if (j == null || !j.isObject()) {
      return "not a JSON object";
    }
    switch (family) {
      case "sendmator" -> {
        if (!j.path("statusCode").isInt() || j.get("statusCode").asInt() != status) {
          return "statusCode missing or not " + status;
        }
        if (!j.path("message").isTextual() || j.get("message").asText().isBlank()) {
          return "message missing or blank";
        }
        if (!j.path("error").isTextual() || j.get("error").asText().isBlank()) {
          return "error missing or blank";
        }
      }
      case "zap" -> {
        if (!j.path("success").isBoolean() || j.get("success").asBoolean()) {
          return "success is not false";
        }
        if (!j.path("message").isTextual() || j.get("message").asText().isBlank()) {
          return "message missing or blank";
        }
      }
      default -> {
        for (String f : new String[] {"code", "type", "message"}) {
          if (!j.path(f).isTextual() || j.get(f).asText().isBlank()) {
            return f + " missing or blank";
          }
        }
      }
    }
    return null;
  }

  static boolean isTimeout(String body) {
    String b = body.toLowerCase(Locale.ROOT);
    return b.contains("no decision")
        || b.contains("service unavailable")
        || b.contains("not decided in time");
  }

  static String requestText(Req q) {
    StringBuilder s = new StringBuilder(q.method()).append(' ').append(q.path()).append('\n');
    q.headers().forEach(e -> s.append(e.getKey()).append(": ").append(e.getValue()).append('\n'));
    if (q.body() != null) {
      s.append(new String(q.body(), UTF_8)).append(new String(q.body(), ISO_8859_1));
    }
    if (q.rawBytes() != null) {
      s.append(new String(q.rawBytes(), ISO_8859_1));
    }
    return s.toString();
  }

  record Finding(String kind, Res res, String detail) {
    String group() {
      String d =
          detail.contains(", body ") ? detail.substring(0, detail.indexOf(", body ")) : detail;
      return kind
          + " | "
          + families(res.req().path())
          + " | "
          + (res.status() < 0 ? "no response" : res.status())
          + " | "
          + clip(d.replaceAll("#\\d+", "#n"), 160);
    }
  }

  static final class Findings {
    final Queue failures = new Queue();
    final Queue observations = new Queue();
    final AtomicInteger timeouts = new AtomicInteger();
    final AtomicInteger other5xx = new AtomicInteger();
  }

  static final class Queue {
    final ConcurrentLinkedQueue<Finding> all = new ConcurrentLinkedQueue<>();

    void add(String kind, Res res, String detail) {
      all.add(new Finding(kind, res, detail));
    }

    boolean isEmpty() {
      return all.isEmpty();
    }
  }

  /**
   * Raw bytes that are not a well-formed HTTP request: the one kind of request the server may close
   * on without an answer.
   */
  static boolean malformedOnTheWire(Req q) {
    return q.rawBytes() != null && q.edge();
  }

  static void check(Res res, Findings f) {
    Req q = res.req();
    if (res.transportError() != null) {
      (malformedOnTheWire(q) ? f.observations : f.failures)
          .add("no-answer", res, res.transportError());
      return;
    }
    int s = res.status();
    String body = res.body() == null ? "" : res.body();
    if (s == 505
        && q.rawBytes() != null
        && new String(q.rawBytes(), ISO_8859_1).matches("(?s)[A-Z]+ \\S+ HTTP/(?!1\\.[01]\r).*")) {
      // Jetty's 505 to a request line naming an HTTP version it does not speak (RFC 9110 §15.6.6):
      // not our routes
      f.observations.add("505-unsupported-version", res, clip(body, 60));
    } else if (s >= 500) {
      if (isTimeout(body)) {
        f.timeouts.incrementAndGet();
        f.failures.add("5xx-decision-timeout", res, clip(body, 120));
      } else {
        f.other5xx.incrementAndGet();
        f.failures.add("5xx", res, clip(body, 120));
      }
    }
    int bodySize =
        q.body() != null ? q.body().length : q.expectBody() != null ? q.expectBody().length : 0;
    if (bodySize > MAX_BODY
        && s >= 200
        && s < 300
        && !Set.of("GET", "HEAD", "OPTIONS", "DELETE").contains(q.method())) {
      f.observations.add(
          "over-cap-body-accepted",
          res,
          bodySize + " bytes" + (q.chunked() ? " (chunked)" : "") + " answered " + s);
    }
    if (q.expectBody() != null && CONTINUES.stream().anyMatch(c -> c.startsWith("100 Continue"))) {
      f.observations.add(
          "100-continue-over-cap",
          res,
          "the server answered 100 Continue to Content-Length "
              + bodySize
              + " (over the "
              + MAX_BODY
              + "-byte cap), then "
              + s);
    }
    String reqText = requestText(q);
    for (String marker : LEAK_MARKERS) {
      if (body.contains(marker) && !reqText.contains(marker)) {
        f.failures.add("leak", res, "body contains '" + marker.replace("\t", "\\t") + "'");
        break;
      }
    }
    if (s >= 400 && s < 500 && !"HEAD".equals(q.method())) {
      Set<String> expected = families(q.path());
      List<String> problems = new ArrayList<>();
      for (String family : expected) {
        String p = formatProblem(family, s, body);
        if (p == null) {
          problems = null;
          break;
        }
        problems.add(family + ": " + p);
      }
      if (problems != null) {
        String detail =
            "not in "
                + expected
                + " format ("
                + String.join("; ", problems)
                + "), Content-Type "
                + res.contentType()
                + ", body "
                + clip(body, 80);
        (q.edge() ? f.observations : f.failures).add("format", res, detail);
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // the test
  // ---------------------------------------------------------------------------------------------

  /**
   * {@code -Dotp.fuzz.seed}, or a new seed: a run that names none tries other requests than the
   * last.
   */
  static long seed() {
    String s = System.getProperty("otp.fuzz.seed");
    if (s == null || s.isBlank()) {
      return new SecureRandom().nextLong();
    }
    try {
      return Long.decode(s.strip());
    } catch (NumberFormatException e) {
      return s.strip().hashCode();
    }
  }

  @Test
  void
      ten_thousand_hostile_requests_get_no_5xx_only_family_errors_and_no_leaks_and_the_service_still_works()
          throws Exception {
    long seed = seed();
    System.out.println(
        "=== HostileInputTest: seed "
            + seed
            + " (0x"
            + Long.toHexString(seed)
            + "), "
            + REQUESTS
            + " requests on "
            + THREADS
            + " threads; reproduce with -Dotp.fuzz.seed="
            + seed);
    Findings findings = new Findings();
    Map<Integer, LongAdder> perStatus = new ConcurrentHashMap<>();
    Map<String, Map<Integer, LongAdder>> perFamily = new ConcurrentHashMap<>();
    ConcurrentLinkedQueue<Res> slow = new ConcurrentLinkedQueue<>();
    LongAdder edges = new LongAdder();
    Map<String, LongAdder> familyMillis = new ConcurrentHashMap<>();

    long started = System.nanoTime();
    ExecutorService pool = Executors.newFixedThreadPool(THREADS);
    List<Future<?>> futures = new ArrayList<>();
    for (int w = 0; w < THREADS; w++) {
      int worker = w;
      futures.add(
          pool.submit(
              () -> {
                for (int i = worker; i < REQUESTS; i += THREADS) {
                  Req q;
                  try {
                    q = generate(seed, i);
                  } catch (RuntimeException e) {
                    throw new IllegalStateException("generator failed on request " + i, e);
                  }
                  Res res = execute(q);
                  if (q.edge()) {
                    edges.increment();
                  }
                  perStatus.computeIfAbsent(res.status(), k -> new LongAdder()).increment();
                  perFamily
                      .computeIfAbsent(q.family(), k -> new ConcurrentHashMap<>())
                      .computeIfAbsent(res.status(), k -> new LongAdder())
                      .increment();
                  familyMillis.computeIfAbsent(q.family(), k -> new LongAdder()).add(res.millis());
                  if (res.millis() > 2_000) {
                    slow.add(res);
                  }
                  check(res, findings);
                }
                return null;
              }));
    }
    for (Future<?> f : futures) {
      f.get();
    }
    pool.shutdown();
    long elapsed = (System.nanoTime() - started) / 1_000_000;

    // (4) the service still answers valid requests, from a fresh client IP and subject
    List<String> liveness = new ArrayList<>();
    Map<String, String> send = new LinkedHashMap<>();
    send.put("X-API-Key", pipeline.testKey);
    send.put("Content-Type", "application/json");
    send.put("X-Forwarded-For", "203.0.113.77");
    Http.Response sent =
        http.exchange(
            "POST",
            "/api/v1/otp/send",
            send,
            "{\"channels\": [\"sms\"], \"recipients\": {\"sms\": \"+14155559876\"}}");
    if (sent.status() != 200
        || sent.json() == null
        || !sent.json().path("data").path("otps").isObject()) {
      liveness.add("sandbox send after the fuzz: " + sent.status() + " " + clip(sent.raw(), 300));
    }
    Map<String, String> login = new LinkedHashMap<>();
    login.put("Host", host);
    login.put("Content-Type", "application/json");
    login.put("X-Forwarded-For", "203.0.113.78");
    Http.Response started2 =
        http.exchange(
            "POST",
            "/v1/session/login/otp",
            login,
            "{\"identifier\": {\"type\": \"phone_number\", \"value\": \"+14155559875\"}}");
    if (started2.status() != 204 || started2.header("Set-Cookie") == null) {
      liveness.add(
          "session login after the fuzz: "
              + started2.status()
              + " Set-Cookie="
              + started2.header("Set-Cookie")
              + " "
              + clip(started2.raw(), 300));
    }

    String report =
        report(
            seed,
            elapsed,
            perStatus,
            perFamily,
            familyMillis,
            findings,
            slow,
            edges.sum(),
            liveness);
    System.out.println(report);
    Files.createDirectories(REPORT.getParent());
    Files.writeString(REPORT, report + "\n\n" + details(findings), UTF_8);
    System.out.println("(full reproductions of every finding: " + REPORT.toAbsolutePath() + ")");

    long total = perStatus.values().stream().mapToLong(LongAdder::sum).sum();
    assertTrue(total >= 10_000 || REQUESTS < 10_000, "only " + total + " requests were sent");
    assertTrue(
        findings.failures.isEmpty() && liveness.isEmpty(),
        findings.failures.all.size()
            + " failures ("
            + findings.other5xx.get()
            + " 5xx, "
            + findings.timeouts.get()
            + " decision timeouts), liveness "
            + liveness
            + "; reproduce with -Dotp.fuzz.seed="
            + seed
            + "; see the summary above and "
            + REPORT.toAbsolutePath());
  }

  // ---------------------------------------------------------------------------------------------
  // reporting
  // ---------------------------------------------------------------------------------------------

  static String report(
      long seed,
      long elapsed,
      Map<Integer, LongAdder> perStatus,
      Map<String, Map<Integer, LongAdder>> perFamily,
      Map<String, LongAdder> familyMillis,
      Findings f,
      ConcurrentLinkedQueue<Res> slow,
      long edges,
      List<String> liveness) {
    StringBuilder s = new StringBuilder();
    long total = perStatus.values().stream().mapToLong(LongAdder::sum).sum();
    s.append("\n================ HostileInputTest summary ================\n");
    s.append("seed ")
        .append(seed)
        .append(" | requests ")
        .append(total)
        .append(" | elapsed ")
        .append(elapsed)
        .append(" ms (")
        .append(total * 1000 / Math.max(1, elapsed))
        .append(" req/s) | protocol-edge ")
        .append(edges)
        .append('\n');
    s.append("per status: ").append(counts(perStatus)).append('\n');
    s.append("per family:\n");
    new TreeMap<>(perFamily)
        .forEach(
            (family, counts) -> {
              long n = counts.values().stream().mapToLong(LongAdder::sum).sum();
              s.append(
                  String.format(
                      "  %-11s %6d  avg %4d ms  %s%n",
                      family, n, familyMillis.get(family).sum() / Math.max(1, n), counts(counts)));
            });
    s.append("no answer: ")
        .append(
            Stream.concat(f.failures.all.stream(), f.observations.all.stream())
                .filter(x -> x.res().status() < 0)
                .count())
        .append(" (allowed only to raw bytes malformed on the wire)\n");
    if (!CONTINUES.isEmpty()) {
      s.append("Expect: 100-continue with a body over the cap: ")
          .append(CONTINUES.size())
          .append(" x ")
          .append(new java.util.TreeSet<>(CONTINUES))
          .append('\n');
    }
    s.append("5xx: ")
        .append(f.other5xx.get())
        .append(" | 5xx decision timeouts: ")
        .append(f.timeouts.get())
        .append('\n');
    s.append("liveness after the fuzz: ")
        .append(
            liveness.isEmpty()
                ? "OK (sandbox send 200 with otps, login 204 with cookie)"
                : liveness)
        .append('\n');
    s.append("\nFAILURES: ").append(f.failures.all.size()).append('\n');
    groups(s, f.failures);
    s.append("\nOBSERVATIONS (protocol-level requests Jetty may answer itself; not failing): ")
        .append(f.observations.all.size())
        .append('\n');
    groups(s, f.observations);
    List<Res> slowest =
        slow.stream().sorted(Comparator.comparingLong(Res::millis).reversed()).limit(5).toList();
    s.append("\nslowest requests (> 2 s): ").append(slow.size()).append('\n');
    slowest.forEach(
        r ->
            s.append("  ")
                .append(r.millis())
                .append(" ms  ")
                .append(r.status())
                .append("  ")
                .append(r.req().label())
                .append("  ")
                .append(r.req().method())
                .append(' ')
                .append(clip(r.req().path(), 80))
                .append('\n'));
    s.append("==========================================================\n");
    return s.toString();
  }

  static String counts(Map<Integer, LongAdder> counts) {
    StringBuilder s = new StringBuilder();
    new TreeMap<>(counts)
        .forEach(
            (status, n) ->
                s.append(status < 0 ? "none" : status).append('=').append(n.sum()).append(' '));
    return s.toString().strip();
  }

  static void groups(StringBuilder s, Queue q) {
    Map<String, List<Finding>> byGroup = new TreeMap<>();
    q.all.forEach(f -> byGroup.computeIfAbsent(f.group(), k -> new ArrayList<>()).add(f));
    byGroup.forEach(
        (group, list) -> {
          list.sort(Comparator.comparingInt(f -> f.res().req().index()));
          s.append("  [")
              .append(list.size())
              .append("x] ")
              .append(group)
              .append("\n      methods ")
              .append(
                  new java.util.TreeSet<>(list.stream().map(f -> f.res().req().method()).toList()))
              .append(", sources ")
              .append(
                  new java.util.TreeSet<>(list.stream().map(f -> f.res().req().family()).toList()))
              .append('\n');
          list.stream()
              .limit(2)
              .forEach(f -> s.append(indent(reproduction(f.res()), "      ")).append('\n'));
        });
  }

  static String details(Findings f) {
    StringBuilder s = new StringBuilder("ALL FINDINGS\n");
    for (Queue q : List.of(f.failures, f.observations)) {
      q.all.stream()
          .sorted(Comparator.comparingInt(x -> x.res().req().index()))
          .forEach(
              x ->
                  s.append(q == f.failures ? "FAILURE " : "OBSERVATION ")
                      .append(x.kind())
                      .append(": ")
                      .append(x.detail())
                      .append('\n')
                      .append(indent(reproduction(x.res()), "  "))
                      .append("\n\n"));
    }
    return s.toString();
  }

  static String reproduction(Res r) {
    Req q = r.req();
    StringBuilder s = new StringBuilder();
    s.append("#")
        .append(q.index())
        .append(' ')
        .append(q.label())
        .append(q.edge() ? " (protocol-edge)" : "")
        .append('\n');
    if (q.rawBytes() != null) {
      s.append("raw request: ").append(escape(q.rawBytes(), 400)).append('\n');
    } else {
      s.append(q.method()).append(' ').append(clip(q.path(), 200)).append('\n');
      q.headers()
          .forEach(
              e ->
                  s.append(e.getKey())
                      .append(": ")
                      .append(escape(e.getValue().getBytes(UTF_8), 160))
                      .append('\n'));
      if (q.chunked()) {
        s.append("Transfer-Encoding: chunked\n");
      }
      s.append("body: ").append(q.body() == null ? "(none)" : escape(q.body(), 300)).append('\n');
    }
    s.append("=> ")
        .append(
            r.status() < 0
                ? "no response: " + r.transportError()
                : r.status()
                    + " ("
                    + r.contentType()
                    + ") "
                    + clip(r.body().replace("\n", "\\n").replace("\r", "\\r"), 400));
    return s.toString();
  }

  static String escape(byte[] bytes, int max) {
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < bytes.length && s.length() < max; i++) {
      int b = bytes[i] & 0xff;
      if (b >= 0x20 && b < 0x7f) {
        s.append((char) b);
      } else if (b == '\r') {
        s.append("\\r");
      } else if (b == '\n') {
        s.append("\\n");
      } else {
        s.append(String.format("\\x%02X", b));
      }
    }
    if (s.length() >= max || bytes.length > max) {
      s.append("… (").append(bytes.length).append(" bytes)");
    }
    return s.toString();
  }

  static String clip(String s, int max) {
    if (s == null) {
      return "null";
    }
    return s.length() <= max ? s : s.substring(0, max) + "… (" + s.length() + " chars)";
  }

  static String indent(String s, String prefix) {
    return prefix + s.replace("\n", "\n" + prefix);
  }
}
