package io.otpstream.processor.quota;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.otpstream.processor.support.Cmd;
import io.otpstream.processor.topology.Names;
import io.otpstream.processor.topology.OtpTopology;
import io.otpstream.schemas.apps.AppSettings;
import io.otpstream.schemas.apps.Limit;
import io.otpstream.schemas.audit.AuditEvent;
import io.otpstream.schemas.audit.AuditType;
import io.otpstream.schemas.command.OtpCommand;
import io.otpstream.schemas.command.OtpRetried;
import io.otpstream.schemas.common.Channel;
import io.otpstream.schemas.decision.OtpDecision;
import io.otpstream.schemas.decision.Outcome;
import io.otpstream.schemas.quota.QuotaState;
import io.otpstream.schemas.rules.RuleNames;
import io.otpstream.schemas.topics.Topics;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The quota stage: messages per app, 402 when short, and quota given back when a later stage
 * refuses.
 */
class QuotaStageTest {
  private static final Instant T0 = Instant.parse("2026-02-01T09:00:00Z");
  private static final Topics TOPICS = Topics.defaults();
  private static final String IP = "198.51.100.7";
  private static final String FR = "+33612345678";

  @TempDir Path state;
  private TopologyTestDriver driver;
  private TestInputTopic<String, OtpCommand> quota;
  private TestOutputTopic<String, OtpDecision> replies;
  private TestOutputTopic<String, AuditEvent> events;
  private int seq;

  @BeforeEach
  void start() {
    Properties p = new Properties();
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, "quota-test");
    p.put(StreamsConfig.STATE_DIR_CONFIG, state.toString());
    driver = new TopologyTestDriver(OtpTopology.build(TOPICS, Cmd.CODES), p);
    quota =
        driver.createInputTopic(
            TOPICS.quota.name(),
            Serdes.String().serializer(),
            TOPICS.quota.valueSerde().serializer());
    replies =
        driver.createOutputTopic(
            TOPICS.replies.name(),
            Serdes.String().deserializer(),
            TOPICS.replies.valueSerde().deserializer());
    events =
        driver.createOutputTopic(
            TOPICS.events.name(),
            Serdes.String().deserializer(),
            TOPICS.events.valueSerde().deserializer());
  }

  @AfterEach
  void stop() {
    driver.close();
  }

  private static AppSettings withQuota(long version, Long limit) {
    return Cmd.settings(version, b -> b.setQuota(limit).setSendsPerSubject(new Limit(1, 3600)));
  }

  /** Pipes a live send into otp.quota (keyed by app, as the api does) and returns its reply. */
  private OtpDecision send(AppSettings cfg, String subject, String phone) {
    seq++;
    OtpCommand c = Cmd.send("r" + seq, T0.plusSeconds(seq), IP, cfg, subject, "s" + seq, phone);
    quota.pipeInput(Cmd.APP, c, T0.plusSeconds(seq));
    List<OtpDecision> out = replies.readValuesToList();
    assertEquals(1, out.size(), "one reply per request");
    return out.get(0);
  }

  private long spent() {
    QuotaState s = (QuotaState) driver.getKeyValueStore(Names.QUOTA_STORE).get(Cmd.APP);
    return s == null ? 0 : s.getSpent();
  }

  @Test
  void the_last_message_within_quota_is_sent_and_the_next_is_refused_402_with_an_audit() {
    AppSettings cfg = withQuota(4, 3L);
    for (int i = 0; i < 3; i++) {
      assertEquals(Outcome.STARTED, send(cfg, "sub-" + i, FR).getOutcome());
    }
    events.readValuesToList();
    OtpDecision refused = send(cfg, "sub-x", FR);
    assertEquals(Outcome.QUOTA_EXHAUSTED, refused.getOutcome());
    assertEquals(RuleNames.QUOTA, refused.getRule());
    assertEquals(4, refused.getSettingsVersion());
    AuditEvent e = events.readValuesToList().get(0);
    assertEquals(AuditType.LIMIT_EXCEEDED, e.getType());
    assertEquals(RuleNames.QUOTA, e.getRule());
    assertEquals(Cmd.APP, e.getLimitKey());
    assertEquals(3L, e.getCount());
    assertEquals(3L, e.getLimit());
    assertEquals(3, spent());
  }

  @Test
  void quota_spent_on_a_request_a_later_stage_refuses_is_given_back() {
    AppSettings cfg = withQuota(1, 2L);
    assertEquals(Outcome.STARTED, send(cfg, "sub-a", FR).getOutcome());
    // the same subject again: stage 2 refuses (sends_per_subject 1) and refunds
    OtpDecision bySubject = send(cfg, "sub-a", FR);
    assertEquals(Outcome.RATE_LIMITED, bySubject.getOutcome());
    assertEquals(1, spent());
    // a premium-rate number: stage 1 refuses and refunds
    assertEquals(Outcome.REFUSED, send(cfg, "sub-b", "+449012345678").getOutcome());
    assertEquals(1, spent());
    assertEquals(Outcome.STARTED, send(cfg, "sub-c", FR).getOutcome());
    assertEquals(2, spent());
    assertEquals(Outcome.QUOTA_EXHAUSTED, send(cfg, "sub-d", FR).getOutcome());
  }

  @Test
  void sandbox_requests_and_apps_without_quota_spend_nothing_and_a_raised_quota_applies_at_once() {
    AppSettings one = withQuota(1, 1L);
    seq++;
    OtpCommand sandbox = Cmd.send("sb" + seq, T0.plusSeconds(seq), IP, one, "sub-sb", "s-sb", FR);
    Cmd.metaOf(sandbox).setSandbox(true);
    quota.pipeInput(Cmd.APP, sandbox, T0.plusSeconds(seq));
    assertEquals(Outcome.STARTED, replies.readValuesToList().get(0).getOutcome());
    assertEquals(0, spent());
    assertEquals(Outcome.STARTED, send(one, "sub-1", FR).getOutcome());
    assertEquals(Outcome.QUOTA_EXHAUSTED, send(one, "sub-2", FR).getOutcome());
    assertEquals(
        Outcome.STARTED,
        send(withQuota(2, 5L), "sub-3", FR).getOutcome(),
        "a raised quota applies to the next decision");
    assertEquals(
        Outcome.STARTED, send(withQuota(3, null), "sub-4", FR).getOutcome(), "no quota: unlimited");
    assertEquals(2, spent());
  }

  @Test
  void a_resend_spends_one_message_per_channel_of_the_session() {
    AppSettings cfg = Cmd.settings(1, b -> b.setQuota(3L));
    assertEquals(Outcome.STARTED, send(cfg, "sub-r", FR).getOutcome());
    seq++;
    OtpCommand resend = Cmd.resend("r" + seq, T0.plusSeconds(seq), IP, cfg, "sub-r", "s1");
    ((OtpRetried) resend.getCommand()).setChannels(List.of(Channel.SMS, Channel.EMAIL));
    quota.pipeInput(Cmd.APP, resend, T0.plusSeconds(seq));
    OtpDecision r = replies.readValuesToList().get(0);
    assertEquals(Outcome.RESENT, r.getOutcome());
    assertNull(r.getRule());
    // the session has one channel (sms): one message sent, one given back
    assertEquals(2, spent());
  }

  /** Pipes {@code c} into otp.quota as the api does for a request with an Idempotency-Key. */
  private OtpDecision viaFirstStage(OtpCommand c) {
    quota.pipeInput(Cmd.APP, c, Cmd.metaOf(c).getOccurredAt());
    List<OtpDecision> out = replies.readValuesToList();
    assertEquals(1, out.size(), "one reply per request");
    return out.get(0);
  }

  @Test
  void a_repeat_of_an_idempotent_send_from_another_ip_is_not_counted_again() {
    AppSettings cfg = Cmd.settings(2, b -> b.setSendsPerIp(new Limit(1, 3600)));
    OtpCommand first =
        Cmd.send("idem_k1", T0.plusSeconds(1), "203.0.113.1", cfg, "sub-i", "s-i", FR);
    Cmd.metaOf(first).setIdempotencyKey("k1");
    OtpDecision a = viaFirstStage(first);
    assertEquals(Outcome.STARTED, a.getOutcome());
    OtpCommand repeat =
        Cmd.send("idem_k1", T0.plusSeconds(2), "203.0.113.2", cfg, "sub-i", "s-other", FR);
    Cmd.metaOf(repeat).setIdempotencyKey("k1");
    OtpDecision b = viaFirstStage(repeat);
    assertEquals(Outcome.STARTED, b.getOutcome());
    assertEquals("s-i", b.getSessionId(), "the first decision again");
    // the repeat spent nothing of 203.0.113.2's sends_per_ip (limit 1)
    assertEquals(Outcome.STARTED, send(cfg, "sub-j", FR, "203.0.113.2").getOutcome());
    assertEquals(Outcome.RATE_LIMITED, send(cfg, "sub-k", FR, "203.0.113.1").getOutcome());
  }

  private OtpDecision send(AppSettings cfg, String subject, String phone, String ip) {
    seq++;
    return viaFirstStage(
        Cmd.send("r" + seq, T0.plusSeconds(10 + seq), ip, cfg, subject, "s" + seq, phone));
  }
}
