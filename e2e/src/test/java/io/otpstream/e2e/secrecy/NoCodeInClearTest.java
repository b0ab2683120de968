package io.otpstream.e2e.secrecy;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetupTest;
import io.otpstream.dispatcher.email.SmtpProvider;
import io.otpstream.dispatcher.email.SmtpSettings;
import io.otpstream.dispatcher.provider.http.HttpSmsProvider;
import io.otpstream.dispatcher.provider.http.HttpSmsSettings;
import io.otpstream.e2e.support.Apps;
import io.otpstream.e2e.support.Http;
import io.otpstream.e2e.support.SharedKafka;
import io.otpstream.e2e.support.TestPipeline;
import io.otpstream.e2e.support.TopicReader;
import io.otpstream.schemas.topics.TopicSpec;
import jakarta.mail.Message;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * "No code in clear, anywhere", after one run of every kind of request on one pipeline: Sendmator
 * sends, wrong and right checks and resends, an Idempotency-Key send and resend and their repeats,
 * sandbox sends, an SMS API that is down for a number (retries, then the dead letter) and one that
 * refuses a number (dead letter at once), a mail server that refuses a mailbox, an app with a quota
 * (402), the session API's login check (wrong and right), a step-up challenge, and the admin
 * resend. The codes are known from what the SMS API and the SMTP server received and from the
 * sandbox replies.
 *
 * <p>Then every topic and changelog the broker lists for the pipeline is read; every key, value
 * (decoded with its serde, down to each string, integer and byte string) and header, and its raw
 * bytes, is searched for every code in every way {@link Digits} knows, and for every key, token
 * and destination. Every log line emitted meanwhile is searched for the same. A sandbox code may
 * only be the {@code sandbox_code} of a decision (the reply, and a stage's memory of it).
 */
class NoCodeInClearTest {
  private static final Pattern CODE = Pattern.compile("(?<!\\d)(\\d{6})(?!\\d)");
  private static final AtomicInteger NUMBERS = new AtomicInteger();
  /** Codes of live sessions, sandbox codes, keys and tokens, destinations: what must not be in clear. */
  private static final Set<String> LIVE_CODES = new TreeSet<>();
  private static final Set<String> SANDBOX_CODES = new TreeSet<>();
  private static final Set<String> KEYS_AND_TOKENS = new TreeSet<>();
  private static final Set<String> DESTINATIONS = new TreeSet<>();

  private static LogCapture logs;
  private static final String REFUSED_DOMAIN = "refused.example.org";
  private static GreenMail smtp;
  private static RefusingSmtp refusingSmtp;
  private static SmsApi smsApi;
  private static TestPipeline pipeline;
  private static Http http;
  private static List<Scanned> scanned;

  /** One record of one topic, taken apart. */
  private record Scanned(String topic, int partition, long offset, RecordParts parts) {
    String at() {
      return topic + " " + partition + "@" + offset;
    }
  }

  @BeforeAll
  static void run_every_kind_of_request() throws Exception {
    logs = LogCapture.open();
    smtp = new GreenMail(ServerSetupTest.SMTP.dynamicPort());
    smtp.start();
    String providerKey = "sms-api-key-" + UUID.randomUUID();
    smsApi = new SmsApi(providerKey);
    HttpSmsProvider sms = new HttpSmsProvider(HttpSmsSettings.fromEnv(Map.of("OTP_SMS_HTTP_URL", smsApi.url(),
        "OTP_SMS_HTTP_AUTH_HEADER", "Authorization: Bearer " + providerKey), "OTP_SMS_HTTP_"));
    refusingSmtp = new RefusingSmtp();
    SmtpProvider mail = new SmtpProvider(new SmtpSettings("localhost", smtp.getSmtp().getPort(), false, null, null, "otp@acme.test"));
    SmtpProvider refusing = new SmtpProvider(new SmtpSettings("localhost", refusingSmtp.port(), false, null, null, "otp@acme.test"));
    pipeline = TestPipeline.start("clear", sms, new ByDomain(mail, REFUSED_DOMAIN, refusing));
    http = new Http(pipeline.baseUrl());
    KEYS_AND_TOKENS.addAll(List.of(providerKey, pipeline.liveKey, pipeline.testKey, pipeline.managementKey, pipeline.secretBase64));

    sendmatorSendWrongCheckResendAndRightCheck();
    idempotencyKeySendAndResendAndTheirRepeats();
    sandboxSendsAndResend();
    String down = providersDownAndRefusing();
    quotaAppGets402();
    sessionApiLoginWithWrongAndRightCode();
    stepUpChallenge();
    adminResendOnAnOpenSession();

    // the last message out: the one the API is down for, dead-lettered after its fifth attempt
    await().atMost(Duration.ofSeconds(60)).until(() -> smsApi.textsTo(down).size() == 5);
    TopicReader.readUntil(SharedKafka.bootstrapServers(), pipeline.kafka.topics().deliveryDeadLetter.name(), all -> all.size() == 3);
    assertFalse(LIVE_CODES.isEmpty() || SANDBOX_CODES.isEmpty());
  }

  @AfterAll
  static void stop() {
    if (pipeline != null) {
      pipeline.close();
    }
    if (smsApi != null) {
      smsApi.close();
    }
    if (smtp != null) {
      smtp.stop();
    }
    if (refusingSmtp != null) {
      try {
        refusingSmtp.close();
      } catch (java.io.IOException e) {
        // stopping anyway
      }
    }
    if (logs != null) {
      logs.close();
    }
  }

  @Test
  void every_topic_and_changelog_the_broker_lists_for_the_pipeline_is_read_with_its_serde_and_holds_records() throws Exception {
    Set<String> expected = new TreeSet<>(PipelineTopics.changelogs(pipeline));
    pipeline.kafka.topics().all().stream().map(TopicSpec::name).forEach(expected::add);
    assertEquals(expected, PipelineTopics.of(pipeline).stream().map(PipelineTopics.Topic::name).collect(Collectors.toCollection(TreeSet::new)),
        "the broker lists the catalogue's topics and a changelog per store, nothing else");

    Map<String, Long> records = new TreeMap<>();
    expected.forEach(t -> records.put(t, 0L));
    scanned().forEach(s -> records.merge(s.topic(), 1L, Long::sum));
    assertEquals(expected, records.keySet());
    String emailRetries = pipeline.kafka.topics().deliveryEmailRetry.name(); // no email fails in this flow
    List<String> empty = records.entrySet().stream().filter(e -> e.getValue() == 0 && !e.getKey().equals(emailRetries))
        .map(Map.Entry::getKey).toList();
    assertEquals(List.of(), empty, "the flow writes to every topic and changelog but the email retries: " + records);
  }

  @Test
  void no_key_value_or_header_of_any_topic_or_changelog_holds_a_live_code() {
    List<Digits> codes = LIVE_CODES.stream().map(Digits::new).toList();
    assertTrue(codes.stream().anyMatch(Digits::numberTellable), "some code is checked as a number too: " + LIVE_CODES);
    List<String> leaks = new ArrayList<>();
    for (Scanned s : scanned()) {
      for (Digits code : codes) {
        s.parts().whereCode(code).forEach(where -> leaks.add(s.at() + ": " + code.code() + " at " + where));
      }
    }
    assertEquals(List.of(), leaks);
  }

  @Test
  void a_sandbox_code_is_on_the_reply_topic_as_the_sandbox_code_of_a_decision_and_nowhere_else() {
    String replies = pipeline.kafka.topics().replies.name();
    List<String> misplaced = new ArrayList<>();
    Set<String> onReplies = new TreeSet<>();
    for (Scanned s : scanned()) {
      for (String sandbox : SANDBOX_CODES) {
        List<String> where = s.parts().whereCode(new Digits(sandbox));
        // a decision holds it as its sandbox_code leaf, hence in its raw value bytes too
        boolean decision = where.stream().anyMatch(w -> w.startsWith("value.sandbox_code "));
        for (String w : where) {
          if (!(w.startsWith("value.sandbox_code ") || (decision && w.startsWith("raw value ")))) {
            misplaced.add(s.at() + ": " + sandbox + " at " + w);
          }
        }
        if (decision && s.topic().equals(replies)) {
          onReplies.add(sandbox);
        }
      }
    }
    assertEquals(List.of(), misplaced);
    assertEquals(SANDBOX_CODES, onReplies, "the scan finds each sandbox code where the sandbox API returns it from");
  }

  @Test
  void no_topic_or_changelog_holds_a_key_the_master_secret_a_token_or_a_destination() {
    List<String> leaks = new ArrayList<>();
    for (Scanned s : scanned()) {
      for (String secret : KEYS_AND_TOKENS) {
        s.parts().whereText(secret).forEach(where -> leaks.add(s.at() + ": " + abbreviated(secret) + " at " + where));
      }
      for (String destination : DESTINATIONS) {
        s.parts().whereText(destination).forEach(where -> leaks.add(s.at() + ": " + destination + " at " + where));
      }
    }
    assertEquals(List.of(), leaks);
  }

  @Test
  void no_log_line_holds_a_code_a_key_a_token_or_a_destination() {
    List<String> lines = logs.lines();
    assertTrue(lines.stream().anyMatch(l -> l.contains("DEAD_LETTERED")) && lines.stream().anyMatch(l -> l.contains(" SENT via ")),
        "the capture sees the dispatchers' lines: " + lines.size() + " lines");
    List<Digits> codes = new ArrayList<>();
    LIVE_CODES.forEach(c -> codes.add(new Digits(c)));
    SANDBOX_CODES.forEach(c -> codes.add(new Digits(c)));
    List<String> leaks = new ArrayList<>();
    for (String line : lines) {
      for (Digits code : codes) {
        if (!code.inText(line).isEmpty()) {
          leaks.add("code " + code.code() + " in: " + line);
        }
      }
      for (String secret : KEYS_AND_TOKENS) {
        if (line.contains(secret)) {
          leaks.add("key or token " + abbreviated(secret) + " in: " + line);
        }
      }
      String lower = line.toLowerCase(Locale.ROOT);
      for (String destination : DESTINATIONS) {
        if (lower.contains(destination)) {
          leaks.add("destination " + destination + " in: " + line);
        }
      }
    }
    assertEquals(List.of(), leaks);
  }

  // ---- the flow -------------------------------------------------------------------------------

  private static void sendmatorSendWrongCheckResendAndRightCheck() throws Exception {
    String phone = phone();
    String email = email();
    String token = sent(http.postJson("/api/v1/otp/send", pipeline.liveKey, both(phone, email)));
    String first = smsCode(phone, 1);
    assertEquals(first, emailCode(email, 1));
    Http.Response wrong = verify(pipeline.liveKey, token, wrongFor(first));
    assertFalse(wrong.json().get("data").get("verified").asBoolean(), wrong.raw());
    assertEquals(200, resend(pipeline.liveKey, token, Map.of()).status());
    String second = smsCode(phone, 2);
    assertEquals(second, emailCode(email, 2));
    assertTrue(verify(pipeline.liveKey, token, second).json().get("data").get("verified").asBoolean());
  }

  private static void idempotencyKeySendAndResendAndTheirRepeats() {
    String phone = phone();
    Map<String, String> headers = Map.of("X-API-Key", pipeline.liveKey, "Idempotency-Key", "send-" + UUID.randomUUID());
    String body = "{\"channels\": [\"sms\"], \"recipients\": {\"sms\": \"" + phone + "\"}}";
    Http.Response first = http.post("/api/v1/otp/send", headers, body);
    Http.Response repeat = http.post("/api/v1/otp/send", headers, body);
    String token = sent(first);
    assertEquals(first.json().get("data").get("session_id"), repeat.json().get("data").get("session_id"), repeat.raw());
    Map<String, String> again = Map.of("Idempotency-Key", "resend-" + UUID.randomUUID());
    Http.Response resent = resend(pipeline.liveKey, token, again);
    assertEquals(200, resent.status(), resent.raw());
    assertEquals(resent.raw(), resend(pipeline.liveKey, token, again).raw());
    smsCode(phone, 2);
  }

  private static void sandboxSendsAndResend() {
    String phone = phone();
    String email = email();
    Map<String, String> headers = Map.of("X-API-Key", pipeline.testKey, "Idempotency-Key", "sandbox-" + UUID.randomUUID());
    String body = "{\"channels\": [\"sms\", \"email\"], \"recipients\": {\"sms\": \"" + phone + "\", \"email\": \"" + email + "\"}}";
    Http.Response first = http.post("/api/v1/otp/send", headers, body);
    String token = sent(first);
    Http.Response repeat = http.post("/api/v1/otp/send", headers, body);
    assertEquals(first.json().get("data").get("otps"), repeat.json().get("data").get("otps"), "a repeat answers the first decision");
    SANDBOX_CODES.add(first.json().get("data").get("otps").get("sms").asText());
    Http.Response resent = resend(pipeline.testKey, token, Map.of());
    assertEquals(200, resent.status(), resent.raw());
    String code = resent.json().get("sandbox_otps").get("sms").asText();
    SANDBOX_CODES.add(code);
    assertTrue(verify(pipeline.testKey, token, code).json().get("data").get("verified").asBoolean());
  }

  /**
   * The SMS API is down for one number (retried, then dead-lettered) and refuses another
   * (dead-lettered at once); a mail server refuses a mailbox, naming it in its answer.
   */
  private static String providersDownAndRefusing() {
    String down = phone();
    String refused = phone();
    smsApi.down.add(down);
    smsApi.refused.add(refused);
    for (String phone : List.of(down, refused)) {
      sent(http.postJson("/api/v1/otp/send", pipeline.liveKey, Map.of("channels", List.of("sms"), "recipients", Map.of("sms", phone))));
      smsCode(phone, 1);
    }
    String phone = phone();
    sent(http.postJson("/api/v1/otp/send", pipeline.liveKey, both(phone, email(REFUSED_DOMAIN))));
    smsCode(phone, 1);
    return down;
  }

  private static void quotaAppGets402() {
    Apps.App app = Apps.create(http, pipeline.managementKey, "Quota", "{\"resend_cooldown_seconds\": 0, \"quota\": 1}");
    KEYS_AND_TOKENS.addAll(List.of(app.liveKey(), app.testKey()));
    String phone = phone();
    Http.Response first = http.post("/api/v1/otp/send", Map.of("X-API-Key", app.liveKey(), "Idempotency-Key", "quota-" + UUID.randomUUID()),
        "{\"channels\": [\"sms\"], \"recipients\": {\"sms\": \"" + phone + "\"}}");
    String token = sent(first);
    smsCode(phone, 1);
    Http.Response second = http.postJson("/api/v1/otp/send", app.liveKey(), Map.of("channels", List.of("sms"), "recipients",
        Map.of("sms", phone())));
    assertEquals(402, second.status(), second.raw());
    Http.Response resent = resend(app.liveKey(), token, Map.of());
    assertEquals(402, resent.status(), resent.raw());
  }

  private static void sessionApiLoginWithWrongAndRightCode() {
    String phone = phone();
    Http.Response started = http.exchange("POST", "/v1/session/login/otp", session(null),
        "{\"identifier\": {\"type\": \"phone_number\", \"value\": \"" + phone + "\"}}");
    assertEquals(204, started.status(), started.raw());
    String cookie = cookie(started);
    String code = smsCode(phone, 1);
    Http.Response wrong = http.exchange("POST", "/v1/session/login/otp/check", session(cookie), "{\"code\": \"" + wrongFor(code) + "\"}");
    assertEquals(400, wrong.status(), wrong.raw());
    assertEquals("bad_check_code", wrong.json().get("code").asText());
    Http.Response right = http.exchange("POST", "/v1/session/login/otp/check", session(cookie), "{\"code\": \"" + code + "\"}");
    assertEquals(200, right.status(), right.raw());
    KEYS_AND_TOKENS.add(right.json().get("access_token").asText());
  }

  private static void stepUpChallenge() throws Exception {
    String email = email();
    Http.Response issued = http.exchange("POST", "/v2/session/apps/" + pipeline.appId + "/challenge-tokens", management(),
        "{\"identifier\": {\"type\": \"email_address\", \"value\": \"" + email + "\"}, \"user_id\": \"user-7\", \"scope\": \"payout\"}");
    assertEquals(201, issued.status(), issued.raw());
    String challenge = issued.json().get("challenge_token").asText();
    KEYS_AND_TOKENS.add(challenge);
    Http.Response started = http.exchange("POST", "/v1/session/otp", session(null), "{\"challenge_token\": \"" + challenge + "\"}");
    assertEquals(204, started.status(), started.raw());
    String cookie = cookie(started);
    String code = emailCode(email, 1);
    Http.Response checked = http.exchange("POST", "/v1/session/otp/check", session(cookie),
        "{\"code\": \"" + code + "\", \"challenge_token\": \"" + challenge + "\"}");
    assertEquals(200, checked.status(), checked.raw());
    KEYS_AND_TOKENS.add(checked.json().get("challenge_token").asText());
  }

  private static void adminResendOnAnOpenSession() throws Exception {
    String phone = phone();
    String email = email();
    sent(http.postJson("/api/v1/otp/send", pipeline.liveKey, both(phone, email)));
    smsCode(phone, 1);
    Map<String, String> headers = new LinkedHashMap<>(management());
    headers.put("Host", pipeline.appId + ".localhost");
    Http.Response resent = http.exchange("POST", "/v1/otp/resend", headers, "{\"phoneNumber\": \"" + phone + "\"}");
    assertEquals(200, resent.status(), resent.raw());
    assertEquals("{\"success\":true,\"data\":\"OTP ReSent\"}", resent.raw());
    assertEquals(smsCode(phone, 2), emailCode(email, 2), "the admin resend goes to both channels of the open session");
  }

  // ---- helpers ----------------------------------------------------------------------------------

  /** A French mobile number of its own; it and its digits must not be logged. */
  private static String phone() {
    String phone = "+3361200" + String.format("%04d", NUMBERS.incrementAndGet());
    DESTINATIONS.add(phone);
    DESTINATIONS.add(phone.substring(1));
    return phone;
  }

  private static String email() {
    return email("mail.example.org");
  }

  /** An address of its own at {@code domain}; it and its mailbox name must not be logged. */
  private static String email(String domain) {
    String local = "inbox." + UUID.randomUUID().toString().substring(0, 8);
    String email = local + "@" + domain;
    DESTINATIONS.add(email);
    DESTINATIONS.add(local);
    return email;
  }

  private static Map<String, Object> both(String phone, String email) {
    return Map.of("channels", List.of("sms", "email"), "recipients", Map.of("sms", phone, "email", email));
  }

  /** The session token of a 200 send, remembered as a secret. */
  private static String sent(Http.Response r) {
    assertEquals(200, r.status(), r.raw());
    String token = r.json().get("data").get("session_token").asText();
    KEYS_AND_TOKENS.add(token);
    return token;
  }

  private static Http.Response verify(String key, String token, String code) {
    return http.postJson("/api/v1/otp/verify", key, Map.of("session_token", token, "otps", Map.of("sms", code)));
  }

  private static Http.Response resend(String key, String token, Map<String, String> extraHeaders) {
    Map<String, String> headers = new LinkedHashMap<>(extraHeaders);
    headers.put("X-API-Key", key);
    return http.post("/api/v1/otp/resend", headers, "{\"session_token\": \"" + token + "\"}");
  }

  private static Map<String, String> session(String cookie) {
    Map<String, String> h = new LinkedHashMap<>();
    h.put("Host", pipeline.appId + ".localhost");
    h.put("Content-Type", "application/json");
    if (cookie != null) {
      h.put("Cookie", cookie);
    }
    return h;
  }

  private static Map<String, String> management() {
    return Map.of("Authorization", "Bearer " + pipeline.managementKey, "Content-Type", "application/json");
  }

  /** The cookie a 204 set, its value remembered as a token. */
  private static String cookie(Http.Response r) {
    String setCookie = r.header("Set-Cookie");
    assertNotNull(setCookie, r.headers().map().toString());
    String pair = setCookie.split(";", 2)[0];
    KEYS_AND_TOKENS.add(pair.split("=", 2)[1]);
    return pair;
  }

  /** The code of the {@code n}th message the SMS API received for {@code phone}, remembered. */
  private static String smsCode(String phone, int n) {
    List<String> texts = await().atMost(Duration.ofSeconds(30)).until(() -> smsApi.textsTo(phone), l -> l.size() >= n);
    return remember(texts.get(n - 1));
  }

  /** The code of the {@code n}th email GreenMail received for {@code email}, remembered. */
  private static String emailCode(String email, int n) throws Exception {
    List<MimeMessage> mails = await().atMost(Duration.ofSeconds(30)).until(() -> Arrays.stream(smtp.getReceivedMessages())
        .filter(m -> to(m).equals(email)).toList(), l -> l.size() >= n);
    MimeMultipart alternative = (MimeMultipart) mails.get(n - 1).getContent();
    return remember((String) alternative.getBodyPart(0).getContent());
  }

  private static String to(MimeMessage m) {
    try {
      return m.getRecipients(Message.RecipientType.TO)[0].toString();
    } catch (Exception e) {
      return "";
    }
  }

  private static String remember(String text) {
    Matcher m = CODE.matcher(text);
    assertTrue(m.find(), "no code in a message");
    LIVE_CODES.add(m.group(1));
    return m.group(1);
  }

  private static String wrongFor(String code) {
    return code.equals("000000") ? "111111" : "000000";
  }

  private static String abbreviated(String secret) {
    return secret.substring(0, Math.min(12, secret.length())) + "…";
  }

  /** Every record of every topic of the pipeline, read once the flow is done. */
  private static synchronized List<Scanned> scanned() {
    if (scanned == null) {
      try {
        Map<String, Deserializer<?>> values = new HashMap<>();
        PipelineTopics.of(pipeline).forEach(t -> values.put(t.name(), t.values()));
        List<Scanned> all = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : PipelineTopics.readAll(SharedKafka.bootstrapServers(), List.copyOf(values.keySet()))) {
          all.add(new Scanned(r.topic(), r.partition(), r.offset(), RecordParts.of(r, values.get(r.topic()))));
        }
        scanned = all;
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }
    return scanned;
  }
}
