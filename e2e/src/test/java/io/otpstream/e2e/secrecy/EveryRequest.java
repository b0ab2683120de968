package io.otpstream.e2e.secrecy;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.icegreen.greenmail.util.GreenMail;
import io.otpstream.e2e.support.Apps;
import io.otpstream.e2e.support.DpopProof;
import io.otpstream.e2e.support.Http;
import io.otpstream.e2e.support.SharedKafka;
import io.otpstream.e2e.support.TestPipeline;
import io.otpstream.e2e.support.TopicReader;
import jakarta.mail.Message;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One run of every kind of request on a pipeline whose SMS goes to {@link SmsApi} and whose email
 * goes to GreenMail, or to {@link RefusingSmtp} for addresses of {@link #REFUSED_DOMAIN}: Sendmator
 * sends, wrong and right checks and resends, an Idempotency-Key send and resend and their repeats,
 * sandbox sends, an SMS API down for a number (retries, then the dead letter) and refusing another
 * (dead letter at once), a refused mailbox, an app with a quota (402), the session API's login
 * check (wrong, and right with a DPoP proof), a step-up challenge and the admin resend. It
 * remembers what must never be in clear: every code the sessions had (as the SMS API and the SMTP
 * server received them, and the sandbox replies), every key and token, every destination.
 */
final class EveryRequest {
  static final String REFUSED_DOMAIN = "refused.example.org";
  private static final Pattern CODE = Pattern.compile("(?<!\\d)(\\d{6})(?!\\d)");

  final Set<String> liveCodes = new TreeSet<>();
  final Set<String> sandboxCodes = new TreeSet<>();
  final Set<String> keysAndTokens = new TreeSet<>();
  final Set<String> destinations = new TreeSet<>();
  private final AtomicInteger numbers = new AtomicInteger();
  private final TestPipeline pipeline;
  final Http http;
  private final SmsApi smsApi;
  private final GreenMail smtp;

  EveryRequest(TestPipeline pipeline, SmsApi smsApi, GreenMail smtp) {
    this.pipeline = pipeline;
    this.http = new Http(pipeline.baseUrl());
    this.smsApi = smsApi;
    this.smtp = smtp;
    keysAndTokens.addAll(
        List.of(pipeline.liveKey, pipeline.testKey, pipeline.managementKey, pipeline.secretBase64));
  }

  /**
   * Runs them all and waits for the last message out: the one the SMS API is down for,
   * dead-lettered after its fifth attempt.
   */
  void run() throws Exception {
    sendmatorSendWrongCheckResendAndRightCheck();
    idempotencyKeySendAndResendAndTheirRepeats();
    sandboxSendsAndResend();
    String down = providersDownAndRefusing();
    quotaAppGets402();
    sessionApiLoginWithWrongAndRightCode();
    stepUpChallenge();
    adminResendOnAnOpenSession();
    await().atMost(Duration.ofSeconds(60)).until(() -> smsApi.textsTo(down).size() == 5);
    TopicReader.readUntil(
        SharedKafka.bootstrapServers(),
        pipeline.kafka.topics().deliveryDeadLetter.name(),
        all -> all.size() == 3);
    assertFalse(liveCodes.isEmpty() || sandboxCodes.isEmpty());
  }

  private void sendmatorSendWrongCheckResendAndRightCheck() throws Exception {
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
    assertTrue(
        verify(pipeline.liveKey, token, second).json().get("data").get("verified").asBoolean());
  }

  private void idempotencyKeySendAndResendAndTheirRepeats() {
    String phone = phone();
    Map<String, String> headers =
        Map.of("X-API-Key", pipeline.liveKey, "Idempotency-Key", "send-" + UUID.randomUUID());
    String body = "{\"channels\": [\"sms\"], \"recipients\": {\"sms\": \"" + phone + "\"}}";
    Http.Response first = http.post("/api/v1/otp/send", headers, body);
    Http.Response repeat = http.post("/api/v1/otp/send", headers, body);
    String token = sent(first);
    assertEquals(
        first.json().get("data").get("session_id"),
        repeat.json().get("data").get("session_id"),
        repeat.raw());
    Map<String, String> again = Map.of("Idempotency-Key", "resend-" + UUID.randomUUID());
    Http.Response resent = resend(pipeline.liveKey, token, again);
    assertEquals(200, resent.status(), resent.raw());
    assertEquals(resent.raw(), resend(pipeline.liveKey, token, again).raw());
    smsCode(phone, 2);
  }

  private void sandboxSendsAndResend() {
    String phone = phone();
    String email = email();
    Map<String, String> headers =
        Map.of("X-API-Key", pipeline.testKey, "Idempotency-Key", "sandbox-" + UUID.randomUUID());
    String body =
        "{\"channels\": [\"sms\", \"email\"], \"recipients\": {\"sms\": \""
            + phone
            + "\", \"email\": \""
            + email
            + "\"}}";
    Http.Response first = http.post("/api/v1/otp/send", headers, body);
    String token = sent(first);
    Http.Response repeat = http.post("/api/v1/otp/send", headers, body);
    assertEquals(
        first.json().get("data").get("otps"),
        repeat.json().get("data").get("otps"),
        "a repeat answers the first decision");
    sandboxCodes.add(first.json().get("data").get("otps").get("sms").asText());
    Http.Response resent = resend(pipeline.testKey, token, Map.of());
    assertEquals(200, resent.status(), resent.raw());
    String code = resent.json().get("sandbox_otps").get("sms").asText();
    sandboxCodes.add(code);
    assertTrue(
        verify(pipeline.testKey, token, code).json().get("data").get("verified").asBoolean());
  }

  /**
   * The SMS API is down for one number (retried, then dead-lettered) and refuses another
   * (dead-lettered at once); a mail server refuses a mailbox, naming it in its answer.
   */
  private String providersDownAndRefusing() {
    String down = phone();
    String refused = phone();
    smsApi.down.add(down);
    smsApi.refused.add(refused);
    for (String phone : List.of(down, refused)) {
      sent(
          http.postJson(
              "/api/v1/otp/send",
              pipeline.liveKey,
              Map.of("channels", List.of("sms"), "recipients", Map.of("sms", phone))));
      smsCode(phone, 1);
    }
    String phone = phone();
    sent(http.postJson("/api/v1/otp/send", pipeline.liveKey, both(phone, email(REFUSED_DOMAIN))));
    smsCode(phone, 1);
    return down;
  }

  private void quotaAppGets402() {
    Apps.App app =
        Apps.create(
            http,
            pipeline.managementKey,
            "Quota",
            "{\"resend_cooldown_seconds\": 0, \"quota\": 1}");
    keysAndTokens.addAll(List.of(app.liveKey(), app.testKey()));
    String phone = phone();
    Http.Response first =
        http.post(
            "/api/v1/otp/send",
            Map.of("X-API-Key", app.liveKey(), "Idempotency-Key", "quota-" + UUID.randomUUID()),
            "{\"channels\": [\"sms\"], \"recipients\": {\"sms\": \"" + phone + "\"}}");
    String token = sent(first);
    smsCode(phone, 1);
    Http.Response second =
        http.postJson(
            "/api/v1/otp/send",
            app.liveKey(),
            Map.of("channels", List.of("sms"), "recipients", Map.of("sms", phone())));
    assertEquals(402, second.status(), second.raw());
    Http.Response resent = resend(app.liveKey(), token, Map.of());
    assertEquals(402, resent.status(), resent.raw());
  }

  private void sessionApiLoginWithWrongAndRightCode() {
    String phone = phone();
    Http.Response started =
        http.exchange(
            "POST",
            "/v1/session/login/otp",
            session(null),
            "{\"identifier\": {\"type\": \"phone_number\", \"value\": \"" + phone + "\"}}");
    assertEquals(204, started.status(), started.raw());
    String cookie = cookie(started);
    String code = smsCode(phone, 1);
    Http.Response wrong =
        http.exchange(
            "POST",
            "/v1/session/login/otp/check",
            session(cookie),
            "{\"code\": \"" + wrongFor(code) + "\"}");
    assertEquals(400, wrong.status(), wrong.raw());
    assertEquals("bad_check_code", wrong.json().get("code").asText());
    Map<String, String> withProof = session(cookie);
    withProof.put(
        "DPoP",
        DpopProof.of(
            "POST", "https://" + pipeline.appId + ".localhost/v1/session/login/otp/check"));
    keysAndTokens.add(withProof.get("DPoP"));
    Http.Response right =
        http.exchange(
            "POST", "/v1/session/login/otp/check", withProof, "{\"code\": \"" + code + "\"}");
    assertEquals(200, right.status(), right.raw());
    keysAndTokens.add(right.json().get("access_token").asText());
  }

  private void stepUpChallenge() throws Exception {
    String email = email();
    Http.Response issued =
        http.exchange(
            "POST",
            "/v2/session/apps/" + pipeline.appId + "/challenge-tokens",
            management(),
            "{\"identifier\": {\"type\": \"email_address\", \"value\": \""
                + email
                + "\"}, \"user_id\": \"user-7\", \"scope\": \"payout\"}");
    assertEquals(201, issued.status(), issued.raw());
    String challenge = issued.json().get("challenge_token").asText();
    keysAndTokens.add(challenge);
    Http.Response started =
        http.exchange(
            "POST",
            "/v1/session/otp",
            session(null),
            "{\"challenge_token\": \"" + challenge + "\"}");
    assertEquals(204, started.status(), started.raw());
    String cookie = cookie(started);
    String code = emailCode(email, 1);
    Http.Response checked =
        http.exchange(
            "POST",
            "/v1/session/otp/check",
            session(cookie),
            "{\"code\": \"" + code + "\", \"challenge_token\": \"" + challenge + "\"}");
    assertEquals(200, checked.status(), checked.raw());
    keysAndTokens.add(checked.json().get("challenge_token").asText());
  }

  private void adminResendOnAnOpenSession() throws Exception {
    String phone = phone();
    String email = email();
    sent(http.postJson("/api/v1/otp/send", pipeline.liveKey, both(phone, email)));
    smsCode(phone, 1);
    Map<String, String> headers = new LinkedHashMap<>(management());
    headers.put("Host", pipeline.appId + ".localhost");
    Http.Response resent =
        http.exchange("POST", "/v1/otp/resend", headers, "{\"phoneNumber\": \"" + phone + "\"}");
    assertEquals(200, resent.status(), resent.raw());
    assertEquals("{\"success\":true,\"data\":\"OTP ReSent\"}", resent.raw());
    assertEquals(
        smsCode(phone, 2),
        emailCode(email, 2),
        "the admin resend goes to both channels of the open session");
  }

  /** A French mobile number of its own; it and its digits must not be logged. */
  private String phone() {
    String phone = "+3361200" + String.format("%04d", numbers.incrementAndGet());
    destinations.add(phone);
    destinations.add(phone.substring(1));
    return phone;
  }

  private String email() {
    return email("mail.example.org");
  }

  /** An address of its own at {@code domain}; it and its mailbox name must not be logged. */
  private String email(String domain) {
    String local = "inbox." + UUID.randomUUID().toString().substring(0, 8);
    String email = local + "@" + domain;
    destinations.add(email);
    destinations.add(local);
    return email;
  }

  private Map<String, Object> both(String phone, String email) {
    return Map.of(
        "channels", List.of("sms", "email"), "recipients", Map.of("sms", phone, "email", email));
  }

  /** The session token of a 200 send, remembered as a secret. */
  private String sent(Http.Response r) {
    assertEquals(200, r.status(), r.raw());
    String token = r.json().get("data").get("session_token").asText();
    keysAndTokens.add(token);
    return token;
  }

  private Http.Response verify(String key, String token, String code) {
    return http.postJson(
        "/api/v1/otp/verify", key, Map.of("session_token", token, "otps", Map.of("sms", code)));
  }

  private Http.Response resend(String key, String token, Map<String, String> extraHeaders) {
    Map<String, String> headers = new LinkedHashMap<>(extraHeaders);
    headers.put("X-API-Key", key);
    return http.post("/api/v1/otp/resend", headers, "{\"session_token\": \"" + token + "\"}");
  }

  private Map<String, String> session(String cookie) {
    Map<String, String> h = new LinkedHashMap<>();
    h.put("Host", pipeline.appId + ".localhost");
    h.put("Content-Type", "application/json");
    if (cookie != null) {
      h.put("Cookie", cookie);
    }
    return h;
  }

  private Map<String, String> management() {
    return Map.of(
        "Authorization", "Bearer " + pipeline.managementKey, "Content-Type", "application/json");
  }

  /** The cookie a 204 set, its value remembered as a token. */
  private String cookie(Http.Response r) {
    String setCookie = r.header("Set-Cookie");
    assertNotNull(setCookie, r.headers().map().toString());
    String pair = setCookie.split(";", 2)[0];
    keysAndTokens.add(pair.split("=", 2)[1]);
    return pair;
  }

  /** The code of the {@code n}th message the SMS API received for {@code phone}, remembered. */
  private String smsCode(String phone, int n) {
    List<String> texts =
        await()
            .atMost(Duration.ofSeconds(30))
            .until(() -> smsApi.textsTo(phone), l -> l.size() >= n);
    return remember(texts.get(n - 1));
  }

  /** The code of the {@code n}th email GreenMail received for {@code email}, remembered. */
  private String emailCode(String email, int n) throws Exception {
    List<MimeMessage> mails =
        await()
            .atMost(Duration.ofSeconds(30))
            .until(
                () ->
                    Arrays.stream(smtp.getReceivedMessages())
                        .filter(m -> to(m).equals(email))
                        .toList(),
                l -> l.size() >= n);
    MimeMultipart alternative = (MimeMultipart) mails.get(n - 1).getContent();
    return remember((String) alternative.getBodyPart(0).getContent());
  }

  private String to(MimeMessage m) {
    try {
      return m.getRecipients(Message.RecipientType.TO)[0].toString();
    } catch (Exception e) {
      return "";
    }
  }

  private String remember(String text) {
    Matcher m = CODE.matcher(text);
    assertTrue(m.find(), "no code in a message");
    liveCodes.add(m.group(1));
    return m.group(1);
  }

  private String wrongFor(String code) {
    return code.equals("000000") ? "111111" : "000000";
  }
}
