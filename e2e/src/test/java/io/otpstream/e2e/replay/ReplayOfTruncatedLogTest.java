package io.otpstream.e2e.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.otpstream.e2e.support.SharedKafka;
import io.otpstream.e2e.support.TopicReader;
import io.otpstream.schemas.decision.OtpDecision;
import io.otpstream.schemas.topics.Topics;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/**
 * What an operator's retention on an input topic does to {@code otpstream replay verify}: here the
 * whole of {@code otp.commands} (the session stage's input) is deleted after a rich history. The
 * replay starts where the topics start now, so verify says the log is truncated and where, and the
 * commands only the session stage decided are counted as not replayed rather than as divergences;
 * the quota and per-IP stages' refusals, whose input is whole, are still compared.
 */
class ReplayOfTruncatedLogTest {
  @Test
  void replay_verify_of_a_log_whose_commands_were_deleted_says_where_the_log_starts()
      throws Exception {
    ReplayVerifyTest.Recorded recorded = ReplayVerifyTest.record("verify-cut");
    Topics topics = recorded.topics();
    List<OtpDecision> decisions =
        TopicReader.readAll(SharedKafka.bootstrapServers(), topics.replies.name()).stream()
            .map(r -> topics.replies.valueSerde().deserializer().deserialize(r.topic(), r.value()))
            .toList();
    Set<String> bySession = new TreeSet<>();
    Set<String> byTheFirstStages = new TreeSet<>();
    decisions.forEach(
        d ->
            (Written.stageOf(d).equals("session stage") ? bySession : byTheFirstStages)
                .add(d.getRequestId()));
    assertEquals(Set.of(), intersection(bySession, byTheFirstStages), "one stage per command");
    Map<TopicPartition, Long> ends = AgedLog.endOffsets(topics.commands.name());
    AgedLog.deleteHeads(ends);

    ReplayVerifyTest.Run run = ReplayVerifyTest.verify(recorded);

    String out = run.out();
    assertEquals(0, run.exit(), out + run.err());
    assertTrue(out.contains("recorded log: TRUNCATED, the replay starts at "), out);
    ends.forEach(
        (tp, offset) -> {
          if (offset > 0) {
            assertTrue(
                out.contains(
                    tp.topic() + " partition " + tp.partition() + " from offset " + offset),
                tp + " in\n" + out);
          }
        });
    assertEquals(
        List.of(bySession.size()),
        ReplayVerifyTest.numbers(out, "not replayed: (\\d+) commands"),
        "the commands the session stage decided");
    assertEquals(
        byTheFirstStages.size(),
        ReplayVerifyTest.numbers(out, ReplayVerifyTest.compared(topics.replies.name(), "decisions"))
            .get(0),
        "the refusals of the quota and per-IP stages, compared");
    assertTrue(byTheFirstStages.size() >= 3, "refusals of both first stages");
    assertTrue(out.contains("divergences: 0\n"), out);
    ReplayVerifyTest.assertNothingLeft(recorded);
  }

  private static Set<String> intersection(Set<String> a, Set<String> b) {
    Set<String> both = new TreeSet<>(a);
    both.retainAll(b);
    return both;
  }
}
