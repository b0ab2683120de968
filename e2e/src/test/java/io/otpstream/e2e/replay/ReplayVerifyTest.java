package io.otpstream.e2e.replay;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.otpstream.common.outbox.Outbox;
import io.otpstream.e2e.support.Installations;
import io.otpstream.e2e.support.SharedKafka;
import io.otpstream.e2e.support.TestPipeline;
import io.otpstream.e2e.support.TopicReader;
import io.otpstream.launcher.Main;
import io.otpstream.launcher.replay.ReplayCommand;
import io.otpstream.schemas.audit.AuditEvent;
import io.otpstream.schemas.decision.OtpDecision;
import io.otpstream.schemas.decision.Outcome;
import io.otpstream.schemas.rules.RuleNames;
import io.otpstream.schemas.topics.Topics;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupListing;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * {@code otpstream replay verify}, run in this JVM as an operator runs it, over the log a rich
 * history recorded through the real pipeline (see {@link History}): the replay decides every
 * command as recorded, and a decision forged into the recorded log is the one divergence it
 * reports. Both tests share one recorded history: verified as recorded, then with a forged
 * decision.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ReplayVerifyTest {
  private static final Pattern SUMMARY =
      Pattern.compile("commands: (\\d+), decisions recorded: (\\d+), replayed: (\\d+)");

  record Run(int exit, String out, String err) {}

  record Recorded(Topics topics, String prefix, String secretBase64) {}

  /** One rich history for both tests (it takes a while to record): verified, then forged. */
  private static Recorded recorded;

  @BeforeAll
  static void recordARichHistory() throws Exception {
    recorded = record("verify-rich");
  }

  @Test
  @Order(1)
  void replay_verify_after_a_rich_history_reports_no_divergence_over_all_its_commands()
      throws Exception {
    List<OtpDecision> decisions = decisions(recorded.topics());
    Set<String> commands =
        decisions.stream().map(OtpDecision::getRequestId).collect(Collectors.toSet());

    Run run = verify(recorded);

    assertEquals(0, run.exit(), run.out() + run.err());
    Matcher m = SUMMARY.matcher(run.out());
    assertTrue(m.find(), run.out());
    assertEquals(commands.size(), Integer.parseInt(m.group(1)), "every recorded command");
    assertEquals(decisions.size(), Integer.parseInt(m.group(2)), run.out());
    assertEquals(decisions.size(), Integer.parseInt(m.group(3)), run.out());
    assertTrue(run.out().contains("recorded log: complete"), run.out());
    assertEquals(
        List.of(commands.size(), decisions.size(), 0),
        numbers(run.out(), compared(recorded.topics().replies.name(), "decisions")),
        "every command compared on the replies, none deleted");
    List<AuditEvent> events = events(recorded.topics());
    assertEquals(
        List.of(
            (int) events.stream().map(AuditEvent::getRequestId).distinct().count(),
            events.size(),
            0),
        numbers(run.out(), compared(recorded.topics().events.name(), "audit events")),
        "every decision's audit event compared on the audit log");
    assertEquals(List.of(0), numbers(run.out(), "not compared: (\\d+) commands"));
    assertTrue(run.out().contains("divergences: 0\n"), run.out());
    for (String stage : List.of("quota ", "limits ", "session ")) {
      assertTrue(run.out().lines().anyMatch(l -> l.startsWith(stage)), stage + run.out());
    }
    assertNothingLeft(recorded);
  }

  @Test
  @Order(2)
  void a_decision_forged_into_the_recorded_log_is_the_one_divergence_replay_verify_reports()
      throws Exception {
    Installations.notReplayable(
        recorded.prefix(), "a decision forged into its otp.replies: the divergence it expects");
    OtpDecision real =
        decisions(recorded.topics()).stream()
            .filter(d -> d.getOutcome() == Outcome.STARTED)
            .findFirst()
            .orElseThrow();
    OtpDecision forged =
        OtpDecision.newBuilder(real)
            .setOutcome(Outcome.RATE_LIMITED)
            .setRule(RuleNames.SENDS_PER_IP)
            .setSessionId(null)
            .build();
    try (KafkaProducer<String, OtpDecision> producer =
        new KafkaProducer<>(
            Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap()),
            new StringSerializer(),
            recorded.topics().replies.valueSerde().serializer())) {
      producer
          .send(
              new ProducerRecord<>(
                  recorded.topics().replies.name(),
                  real.getReplyPartition(),
                  real.getRequestId(),
                  forged))
          .get();
    }

    Run run = verify(recorded);

    assertEquals(ReplayCommand.DIVERGED, run.exit(), run.out() + run.err());
    assertTrue(run.out().contains("divergences: 1\n"), run.out());
    String divergence = run.out().substring(run.out().indexOf("divergences: 1"));
    assertTrue(divergence.contains(real.getRequestId()), run.out());
    assertTrue(divergence.contains("recorded on " + recorded.topics().replies.name()), run.out());
    assertTrue(divergence.contains("RATE_LIMITED rule=sends_per_ip"), run.out());
    assertFalse(divergence.contains("recorded on " + recorded.topics().events.name()), run.out());
    assertNothingLeft(recorded);
  }

  /** The regex of the line saying how many commands and records were compared on a topic. */
  static String compared(String topic, String what) {
    return "compared on "
        + Pattern.quote(topic)
        + ": (\\d+) commands \\((\\d+) "
        + what
        + "\\); deleted by retention: (\\d+) commands";
  }

  /** The numbers the groups of {@code regex} find in the report. */
  static List<Integer> numbers(String out, String regex) {
    Matcher m = Pattern.compile(regex).matcher(out);
    assertTrue(m.find(), regex + " in\n" + out);
    List<Integer> n = new ArrayList<>();
    for (int i = 1; i <= m.groupCount(); i++) {
      n.add(Integer.parseInt(m.group(i)));
    }
    return n;
  }

  /** The rich history through the whole pipeline under its own prefix, settled and stopped. */
  static Recorded record(String name) throws Exception {
    Outbox outbox = TestPipeline.newOutbox();
    try (TestPipeline pipeline = TestPipeline.start(name, outbox, History.FIRST_SETTINGS)) {
      History history = new History(pipeline, outbox);
      history.underTheFirstSettings();
      history.changeSettings();
      history.underTheSecondSettings();
      ReplayTest.awaitSettled(pipeline.kafka.topics(), pipeline.applicationId);
      return new Recorded(
          pipeline.kafka.topics(), pipeline.kafka.topicPrefix(), pipeline.secretBase64);
    }
  }

  /** {@code otpstream replay verify} in this JVM, with the environment of an installation. */
  static Run verify(Recorded recorded) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit =
        Main.commandLine(
                Map.of(
                    "KAFKA_BOOTSTRAP_SERVERS", bootstrap(),
                    "OTP_TOPIC_PREFIX", recorded.prefix(),
                    "OTP_SECRET", recorded.secretBase64(),
                    "OTP_REPLAY_TIMEOUT_MS", "120000"),
                new PrintWriter(out, true),
                new PrintWriter(err, true))
            .execute("replay", "verify");
    assertFalse(err.toString().contains("\tat "), err.toString());
    System.out.print(err + out.toString()); // the report, in the test's output
    return new Run(exit, out.toString(), err.toString());
  }

  private static List<OtpDecision> decisions(Topics topics) {
    return TopicReader.readAll(bootstrap(), topics.replies.name()).stream()
        .map((ConsumerRecord<byte[], byte[]> r) -> decode(topics, r))
        .toList();
  }

  /** The audit events of decisions (those that name their command). */
  private static List<AuditEvent> events(Topics topics) {
    return TopicReader.readAll(bootstrap(), topics.events.name()).stream()
        .map(r -> topics.events.valueSerde().deserializer().deserialize(r.topic(), r.value()))
        .filter(e -> e.getRequestId() != null)
        .toList();
  }

  private static OtpDecision decode(Topics topics, ConsumerRecord<byte[], byte[]> r) {
    return topics.replies.valueSerde().deserializer().deserialize(r.topic(), r.value());
  }

  /**
   * The scratch topics, the replay's internal topics and its consumer group (application id
   * otp-replay-verify-..., -recorded-... or -backtest-...: the command's scratch ids, not those of
   * tests that run {@code ProcessorService.replay} themselves) are gone.
   */
  static void assertNothingLeft(Recorded recorded) {
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap()))) {
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () -> {
                Set<String> left = new TreeSet<>();
                admin.listTopics().names().get().stream()
                    .filter(t -> t.startsWith(recorded.prefix() + "replay-") || scratchId(t))
                    .forEach(left::add);
                admin.listConsumerGroups().all().get().stream()
                    .map(ConsumerGroupListing::groupId)
                    .filter(ReplayVerifyTest::scratchId)
                    .forEach(g -> left.add("group " + g));
                assertEquals(Set.of(), left, "left behind by the replay");
              });
    }
  }

  private static boolean scratchId(String name) {
    return name.startsWith("otp-replay-verify-")
        || name.startsWith("otp-replay-recorded-")
        || name.startsWith("otp-replay-backtest-");
  }

  private static String bootstrap() {
    return SharedKafka.bootstrapServers();
  }
}
