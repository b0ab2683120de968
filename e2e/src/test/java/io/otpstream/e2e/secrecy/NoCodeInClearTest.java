package io.otpstream.e2e.secrecy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetupTest;
import io.otpstream.common.json.Json;
import io.otpstream.common.kafka.KafkaSettings;
import io.otpstream.dispatcher.email.SmtpProvider;
import io.otpstream.dispatcher.email.SmtpSettings;
import io.otpstream.dispatcher.sms.http.HttpSmsProvider;
import io.otpstream.dispatcher.sms.http.HttpSmsSettings;
import io.otpstream.e2e.support.Http;
import io.otpstream.e2e.support.SharedKafka;
import io.otpstream.e2e.support.TestPipeline;
import io.otpstream.schemas.apps.AppSettings;
import io.otpstream.schemas.topics.TopicSpec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * "No code in clear, anywhere", after {@link EveryRequest} ran every kind of request on one
 * pipeline, failing providers included. Every topic and changelog the broker lists for the pipeline
 * is read; every key, value (decoded with its serde, down to each string, integer and byte string)
 * and header, and its raw bytes, is searched for every code in every way {@link Digits} knows, and
 * for every key, token and destination. Every log line emitted meanwhile is searched for the same.
 * A sandbox code may only be the {@code sandbox_code} of a decision (the reply, and a stage's
 * memory of it). The log lines are the services' JSON lines: each one object; each answer has its
 * {@code X-Request-Id} and one access line with it; a mail server's refusal reaches the status and
 * the audit log with its address redacted.
 */
class NoCodeInClearTest {
  private static LogCapture logs;
  private static GreenMail smtp;
  private static RefusingSmtp refusingSmtp;
  private static SmsApi smsApi;
  private static TestPipeline pipeline;
  private static FailingWebhook webhook;
  private static EveryRequest flow;
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
    refusingSmtp = new RefusingSmtp();
    String providerKey = "sms-api-key-" + UUID.randomUUID();
    smsApi = new SmsApi(providerKey);
    HttpSmsProvider sms =
        new HttpSmsProvider(
            HttpSmsSettings.fromEnv(
                Map.of(
                    "OTP_SMS_HTTP_URL",
                    smsApi.url(),
                    "OTP_SMS_HTTP_AUTH_HEADER",
                    "Authorization: Bearer " + providerKey),
                "OTP_SMS_HTTP_"));
    SmtpProvider mail =
        new SmtpProvider(
            new SmtpSettings(
                "localhost", smtp.getSmtp().getPort(), false, null, null, "otp@acme.test"));
    SmtpProvider refusing =
        new SmtpProvider(
            new SmtpSettings("localhost", refusingSmtp.port(), false, null, null, "otp@acme.test"));
    pipeline =
        TestPipeline.start(
            "clear",
            KafkaSettings.of(SharedKafka.bootstrapServers()),
            sms,
            new ByDomain(mail, EveryRequest.REFUSED_DOMAIN, refusing),
            s -> AppSettings.newBuilder(s).setVersion(1).setResendCooldownSeconds(0).build(),
            true);
    flow = new EveryRequest(pipeline, smsApi, smtp);
    flow.keysAndTokens.add(providerKey);
    webhook = new FailingWebhook(pipeline);
    flow.keysAndTokens.add(webhook.secret);
    flow.keysAndTokens.add(webhook.secret.substring("whsec_".length()));
    flow.run();
    webhook.awaitDeadLetter();
  }

  @AfterAll
  static void stop() throws Exception {
    if (pipeline != null) {
      pipeline.close();
    }
    if (webhook != null) {
      webhook.close();
    }
    if (smsApi != null) {
      smsApi.close();
    }
    if (smtp != null) {
      smtp.stop();
    }
    if (refusingSmtp != null) {
      refusingSmtp.close();
    }
    if (logs != null) {
      logs.close();
    }
  }

  @Test
  void
      every_topic_and_changelog_the_broker_lists_for_the_pipeline_is_read_with_its_serde_and_holds_records()
          throws Exception {
    Set<String> expected = new TreeSet<>(PipelineTopics.changelogs(pipeline));
    pipeline.kafka.topics().all().stream().map(TopicSpec::name).forEach(expected::add);
    assertEquals(
        expected,
        PipelineTopics.of(pipeline).stream()
            .map(PipelineTopics.Topic::name)
            .collect(Collectors.toCollection(TreeSet::new)),
        "the broker lists the catalogue's topics and a changelog per store, nothing else");

    Map<String, Long> records = new TreeMap<>();
    expected.forEach(t -> records.put(t, 0L));
    scanned().forEach(s -> records.merge(s.topic(), 1L, Long::sum));
    assertEquals(expected, records.keySet());
    String emailRetries =
        pipeline.kafka.topics().deliveryEmailRetry.name(); // no email fails in this flow
    List<String> empty =
        records.entrySet().stream()
            .filter(e -> e.getValue() == 0 && !e.getKey().equals(emailRetries))
            .map(Map.Entry::getKey)
            .toList();
    assertEquals(
        List.of(),
        empty,
        "the flow writes to every topic and changelog but the email retries: " + records);
  }

  @Test
  void no_key_value_or_header_of_any_topic_or_changelog_holds_a_live_code() {
    List<Digits> codes = flow.liveCodes.stream().map(Digits::new).toList();
    assertTrue(
        codes.stream().anyMatch(Digits::numberTellable),
        "some code is checked as a number too: " + flow.liveCodes);
    List<String> leaks = new ArrayList<>();
    for (Scanned s : scanned()) {
      for (Digits code : codes) {
        s.parts()
            .whereCode(code)
            .forEach(where -> leaks.add(s.at() + ": " + code.code() + " at " + where));
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
      for (String sandbox : flow.sandboxCodes) {
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
    assertEquals(
        flow.sandboxCodes,
        onReplies,
        "the scan finds each sandbox code where the sandbox API returns it from");
  }

  @Test
  void no_topic_or_changelog_holds_a_key_the_master_secret_a_token_or_a_destination() {
    List<String> leaks = new ArrayList<>();
    for (Scanned s : scanned()) {
      for (String secret : flow.keysAndTokens) {
        s.parts()
            .whereText(secret)
            .forEach(where -> leaks.add(s.at() + ": " + abbreviated(secret) + " at " + where));
      }
      for (String destination : flow.destinations) {
        s.parts()
            .whereText(destination)
            .forEach(where -> leaks.add(s.at() + ": " + destination + " at " + where));
      }
    }
    assertEquals(List.of(), leaks);
  }

  @Test
  void no_log_line_holds_a_code_a_key_a_token_or_a_destination() {
    List<String> lines = logs.searched();
    assertTrue(
        lines.stream().anyMatch(l -> l.contains("DEAD_LETTERED"))
            && lines.stream().anyMatch(l -> l.contains(" SENT via ")),
        "the capture sees the dispatchers' lines: " + lines.size() + " lines");
    List<Digits> codes = new ArrayList<>();
    flow.liveCodes.forEach(c -> codes.add(new Digits(c)));
    flow.sandboxCodes.forEach(c -> codes.add(new Digits(c)));
    List<String> leaks = new ArrayList<>();
    for (String line : lines) {
      for (Digits code : codes) {
        if (!code.inText(line).isEmpty()) {
          leaks.add("code " + code.code() + " in: " + line);
        }
      }
      for (String secret : flow.keysAndTokens) {
        if (line.contains(secret)) {
          leaks.add("key or token " + abbreviated(secret) + " in: " + line);
        }
      }
      String lower = line.toLowerCase(Locale.ROOT);
      for (String destination : flow.destinations) {
        if (lower.contains(destination)) {
          leaks.add("destination " + destination + " in: " + line);
        }
      }
    }
    assertEquals(List.of(), leaks);
  }

  @Test
  void every_log_line_is_one_json_object_with_a_time_a_level_and_a_message() throws Exception {
    List<String> lines = logs.lines();
    assertTrue(lines.size() > 50, "lines captured: " + lines.size());
    for (String line : lines) {
      assertTrue(line.endsWith("\n") && line.indexOf('\n') == line.length() - 1, line);
      JsonNode json = Json.MAPPER.readTree(line);
      assertTrue(
          json.isObject()
              && json.get("timestamp").asLong() > 0
              && json.hasNonNull("level")
              && json.hasNonNull("loggerName")
              && json.has("formattedMessage"),
          line);
    }
  }

  @Test
  void every_answer_carries_a_request_id_and_has_one_access_line_with_it() throws Exception {
    Map<String, List<JsonNode>> access = new HashMap<>();
    for (JsonNode line : json(logs.lines())) {
      if (line.get("loggerName").asText().equals("io.otpstream.api.access")) {
        String id = line.path("mdc").path("request_id").asText(null);
        assertTrue(id != null, "an access line without a request id: " + line);
        access.computeIfAbsent(id, k -> new ArrayList<>()).add(line);
      }
    }
    List<Http.Response> answers = flow.http.answers();
    assertTrue(answers.size() > 20, "answers: " + answers.size());
    List<String> missing = new ArrayList<>();
    for (Http.Response answer : answers) {
      String id = answer.header("X-Request-Id");
      List<JsonNode> lines = id == null ? List.of() : access.getOrDefault(id, List.of());
      if (lines.size() != 1
          || lines.get(0).path("formattedMessage").asText().indexOf(" " + answer.status() + " ")
              < 0) {
        missing.add(answer.status() + " " + id + ": " + lines);
      }
    }
    assertEquals(List.of(), missing, "each answer: its id, one access line with its status");
    assertTrue(
        answers.stream().anyMatch(a -> a.status() >= 400), "errors are among the answers checked");
  }

  @Test
  void every_api_line_logged_while_handling_a_request_carries_its_request_id() throws Exception {
    List<String> without = new ArrayList<>();
    for (JsonNode line : json(logs.lines())) {
      String logger = line.get("loggerName").asText();
      boolean onRequest = line.get("threadName").asText().startsWith("JettyServerThreadPool");
      if (logger.startsWith("io.otpstream.api")
          && onRequest
          && !line.path("mdc").has("request_id")) {
        without.add(line.toString());
      }
    }
    assertEquals(List.of(), without);
  }

  @Test
  void an_smtp_refusal_quoting_the_address_arrives_redacted_in_the_status_and_the_audit() {
    String status = pipeline.kafka.topics().deliveryStatus.name();
    String events = pipeline.kafka.topics().events.name();
    String redacted = "550 5.1.1 <***@" + EveryRequest.REFUSED_DOMAIN + ">";
    Set<String> seenOn = new TreeSet<>();
    for (Scanned s : scanned()) {
      if (!s.parts().whereText(redacted).isEmpty()
          && !s.parts().whereText("Recipient address rejected").isEmpty()) {
        seenOn.add(s.topic());
      }
    }
    assertEquals(
        new TreeSet<>(List.of(status, events)),
        seenOn.stream()
            .filter(t -> t.equals(status) || t.equals(events))
            .collect(Collectors.toCollection(TreeSet::new)),
        "the server's answer, its address redacted, on " + seenOn);
  }

  private static List<JsonNode> json(List<String> lines) throws Exception {
    List<JsonNode> out = new ArrayList<>();
    for (String line : lines) {
      out.add(Json.MAPPER.readTree(line));
    }
    return out;
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
        for (ConsumerRecord<byte[], byte[]> r :
            PipelineTopics.readAll(SharedKafka.bootstrapServers(), List.copyOf(values.keySet()))) {
          all.add(
              new Scanned(
                  r.topic(), r.partition(), r.offset(), RecordParts.of(r, values.get(r.topic()))));
        }
        scanned = all;
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }
    return scanned;
  }
}
