package io.otpstream.e2e.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.otpstream.common.kafka.KafkaSettings;
import io.otpstream.common.outbox.Outbox;
import io.otpstream.e2e.support.Http;
import io.otpstream.e2e.support.SharedKafka;
import io.otpstream.e2e.support.TestPipeline;
import io.otpstream.e2e.support.TopicReader;
import io.otpstream.processor.ProcessorService;
import io.otpstream.schemas.apps.AppSettings;
import io.otpstream.schemas.apps.Limit;
import io.otpstream.schemas.audit.AuditEvent;
import io.otpstream.schemas.decision.OtpDecision;
import io.otpstream.schemas.decision.Outcome;
import io.otpstream.schemas.serde.AvroSerde;
import io.otpstream.schemas.topics.TopicBootstrap;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;

/**
 * Determinism: re-running the topology over the recorded topics under a fresh application id
 * reaches the same decisions, one by one, and the same audit events.
 */
class ReplayTest {

  @Test
  void a_replay_under_a_fresh_application_id_reproduces_every_decision_one_by_one() throws Exception {
    Outbox outbox = TestPipeline.newOutbox();
    try (TestPipeline pipeline = TestPipeline.start("replay", outbox,
        s -> AppSettings.newBuilder(s).setVersion(3).setResendCooldownSeconds(0).setMaxResendsPerSession(2)
            .setSendsPerIp(new Limit(9, 3600)).setSendsPerSubject(new Limit(3, 3600))
            .setFailedChecksPerSubject(new Limit(4, 3600)).build())) {
      Http http = new Http(pipeline.baseUrl());
      List<Outcome> seen = new ArrayList<>();
      // A mixed history: sends (some over a limit), resends (some over a limit), right and wrong codes, unknown tokens.
      for (int subject = 0; subject < 4; subject++) {
        for (int send = 0; send < 4; send++) {
          Http.Response r = http.post("/api/v1/otp/send", Map.of("X-API-Key", pipeline.testKey, "X-Forwarded-For", "10.1.0." + (send % 2)),
              "{\"channels\":[\"sms\",\"email\"],\"recipients\":{\"sms\":\"+1415555030" + subject + "\",\"email\":\"r" + subject + "@example.com\"}}");
          if (r.status() != 200) {
            continue;
          }
          String token = r.json().get("data").get("session_token").asText();
          String code = r.json().get("data").get("otps").get("sms").asText();
          http.postJson("/api/v1/otp/verify", pipeline.testKey, Map.of("session_token", token, "otps", Map.of("sms", "000000")));
          for (int resend = 0; resend < 3; resend++) {
            Http.Response rr = http.postJson("/api/v1/otp/resend", pipeline.testKey, Map.of("session_token", token));
            if (rr.status() == 200) {
              code = rr.json().get("sandbox_otps").get("sms").asText();
            }
          }
          if (send % 2 == 0) {
            http.postJson("/api/v1/otp/verify", pipeline.testKey, Map.of("session_token", token, "otps", Map.of("sms", code)));
          }
        }
      }
      http.postJson("/api/v1/otp/resend", pipeline.testKey, Map.of("session_token", "eyJhbGciOiJIUzI1NiJ9.e30.x"));

      AvroSerde<OtpDecision> replies = AvroSerde.of(OtpDecision.class);
      AvroSerde<AuditEvent> audits = AvroSerde.of(AuditEvent.class);
      Map<String, OtpDecision> recorded = byRequest(TopicReader.readAll(SharedKafka.bootstrapServers(),
          pipeline.kafka.topics().replies.name()).stream().map(r -> replies.decode(r.value())).toList());
      List<AuditEvent> recordedEvents = TopicReader.readAll(SharedKafka.bootstrapServers(), pipeline.kafka.topics().events.name())
          .stream().map(r -> audits.decode(r.value())).toList();
      Set<Outcome> outcomes = recorded.values().stream().map(OtpDecision::getOutcome).collect(Collectors.toSet());
      assertTrue(outcomes.containsAll(List.of(Outcome.STARTED, Outcome.RESENT, Outcome.VERIFIED, Outcome.WRONG_CODE,
          Outcome.RATE_LIMITED)), "a varied history: " + outcomes);

      KafkaSettings scratch = pipeline.kafka.withPrefix(pipeline.kafka.topicPrefix() + "replay-" + UUID.randomUUID() + ".");
      try (Admin admin = Admin.create(scratch.clientProperties())) {
        TopicBootstrap.ensure(admin, scratch.topics(), (short) 1);
      }
      try (ProcessorService replay = ProcessorService.replay(ProcessorService.Config.of(scratch, "otp-replay-" + UUID.randomUUID(),
          Files.createTempDirectory("otp-replay")), pipeline.kafka.topics(), pipeline.secrets)) {
        replay.start();
        Map<String, OtpDecision> replayed = byRequest(TopicReader.readUntil(SharedKafka.bootstrapServers(),
            scratch.topics().replies.name(), all -> all.size() >= recorded.size())
            .stream().map(r -> replies.decode(r.value())).toList());
        assertEquals(recorded.keySet(), replayed.keySet(), "the same requests are decided");
        int divergences = 0;
        for (Map.Entry<String, OtpDecision> e : recorded.entrySet()) {
          if (!e.getValue().equals(replayed.get(e.getKey()))) {
            divergences++;
          }
          assertEquals(e.getValue(), replayed.get(e.getKey()), "decision of " + e.getKey());
        }
        assertEquals(0, divergences);
        List<AuditEvent> replayedEvents = TopicReader.readUntil(SharedKafka.bootstrapServers(), scratch.topics().events.name(),
            all -> all.size() >= recordedEvents.size()).stream().map(r -> audits.decode(r.value())).toList();
        assertEquals(sorted(recordedEvents), sorted(replayedEvents), "the same audit events");
        assertTrue(recorded.size() > 40, "replayed " + recorded.size() + " decisions");
      }
    }
  }

  private static Map<String, OtpDecision> byRequest(List<OtpDecision> decisions) {
    Map<String, OtpDecision> out = new LinkedHashMap<>();
    decisions.forEach(d -> out.put(d.getRequestId(), d));
    assertEquals(decisions.size(), out.size(), "one decision per request");
    return out;
  }

  private static List<String> sorted(List<AuditEvent> events) {
    return events.stream().map(AuditEvent::toString).sorted().toList();
  }
}
