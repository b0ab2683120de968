package io.otpstream.e2e.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import io.otpstream.e2e.support.Installations;
import io.otpstream.e2e.support.Installations.Installation;
import io.otpstream.e2e.support.SharedKafka;
import io.otpstream.launcher.Main;
import io.otpstream.schemas.topics.TopicSpec;
import io.otpstream.schemas.topics.Topics;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The last test class of the e2e run ({@code junit-platform.properties} orders classes by {@link
 * Order}): {@code otpstream replay verify}, as an operator runs it, over every installation a test
 * recorded on the shared cluster during the run ({@link Installations}), each with its own topic
 * prefix and master secret. Every command the suite made the processor decide, through every path
 * the other tests take (limits, quota, settings changes, concurrency, a processor killed
 * mid-burst...), is decided the same way again: the processor is deterministic over its log. Run
 * alone, it has nothing to replay and says so (skipped).
 */
@Order(Integer.MAX_VALUE)
class SuiteReplayVerifyTest {
  private static final Pattern SUMMARY =
      Pattern.compile("commands: (\\d+), decisions recorded: (\\d+), replayed: (\\d+)");
  private static final Pattern DIVERGENCES = Pattern.compile("divergences: (\\d+)");

  /**
   * While a replay's Kafka Streams creates its changelog topics, its admin client logs an ERROR
   * line per retry until the broker shows them: over the suite's replays, hundreds of thousands of
   * lines (some 90 MB of build log). Held back while they run; a replay that fails says why itself.
   */
  private static final String UNKNOWN_TOPIC_RETRIES =
      "org.apache.kafka.clients.admin.internals.PartitionLeaderStrategy";

  /** How far ahead of the broker's clock recorded traffic may be (8 days in the aged log). */
  private static final Duration AHEAD = Duration.ofDays(30);

  /** Replays at once: each mostly waits on the broker (topics, group, commits), not the CPU. */
  private static final int THREADS = 4;

  record Verified(Installation installation, int exit, String out, String err, long millis) {
    int count(Pattern p, int group) {
      Matcher m = p.matcher(out);
      return m.find() ? Integer.parseInt(m.group(group)) : -1;
    }

    String line() {
      return String.format(
          "  %-40s %-38s commands %5d, decisions %5d, divergences %3d, exit %d, %5d ms",
          installation.recordedBy(),
          installation.topicPrefix(),
          count(SUMMARY, 1),
          count(SUMMARY, 2),
          count(DIVERGENCES, 1),
          exit,
          millis);
    }
  }

  @Test
  void replay_verify_reports_no_divergence_for_any_installation_the_suite_recorded()
      throws Exception {
    List<Installation> all = Installations.replayable();
    assumeFalse(
        all.isEmpty(),
        "no installation was recorded in this JVM: this test replays what the e2e suite recorded,"
            + " so run it with the suite (or with the tests whose logs it should check, e.g."
            + " -Dtest='ReplayVerifyTest,SuiteReplayVerifyTest')");
    String shared = SharedKafka.bootstrapServers();
    List<Installation> here = new ArrayList<>();
    List<Installation> empty = new ArrayList<>();
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, shared))) {
      for (Installation i : all) {
        if (i.bootstrapServers().equals(shared)) {
          (recordedAnything(admin, i) ? here : empty).add(i);
        }
      }
    }
    // ReplayAfterHousekeepingTest recorded traffic days ahead of the broker's clock, which the
    // broker takes only while a test lets it: so does this one, for the replay's copies of it
    AgedLog.allowTimestampsAhead(AHEAD);
    long start = System.nanoTime();
    List<Verified> results = new ArrayList<>();
    ExecutorService pool = Executors.newFixedThreadPool(THREADS);
    Logger noisy = (Logger) LoggerFactory.getLogger(UNKNOWN_TOPIC_RETRIES);
    Level level = noisy.getLevel();
    noisy.setLevel(Level.OFF);
    try {
      List<Future<Verified>> running = new ArrayList<>();
      for (Installation i : here) {
        running.add(pool.submit(() -> verify(i, shared)));
      }
      for (Future<Verified> f : running) {
        results.add(f.get());
      }
    } finally {
      pool.shutdownNow();
      noisy.setLevel(level);
      AgedLog.allowTimestampsAhead(null);
    }
    long millis = (System.nanoTime() - start) / 1_000_000;

    StringBuilder report = new StringBuilder();
    results.forEach(r -> report.append(r.line()).append('\n'));
    all.stream()
        .filter(i -> !i.bootstrapServers().equals(shared))
        .forEach(
            i ->
                report.append(
                    "  not replayed: "
                        + i.recordedBy()
                        + " "
                        + i.topicPrefix()
                        + " (a cluster of its own, stopped with its test)\n"));
    empty.forEach(
        i ->
            report.append(
                "  not replayed: "
                    + i.recordedBy()
                    + " "
                    + i.topicPrefix()
                    + " (nothing in the processor's input topics)\n"));
    Installations.optedOut()
        .forEach(
            o ->
                report.append(
                    "  not replayed: "
                        + o.installation().recordedBy()
                        + " "
                        + o.installation().topicPrefix()
                        + " ("
                        + o.reason()
                        + ")\n"));
    System.out.printf(
        "suite replay verify: %d installations, %d commands, %d decisions compared, in %d ms"
            + " (%d at a time)%n%s",
        results.size(),
        results.stream().mapToInt(r -> Math.max(0, r.count(SUMMARY, 1))).sum(),
        results.stream().mapToInt(r -> Math.max(0, r.count(SUMMARY, 2))).sum(),
        millis,
        THREADS,
        report);

    List<Verified> failed =
        results.stream()
            .filter(r -> r.exit() != 0 || !r.out().contains("divergences: 0\n"))
            .toList();
    assertEquals(
        List.of(),
        failed.stream().map(r -> r.installation().topicPrefix()).toList(),
        () ->
            failed.stream()
                .map(r -> r.line() + "\n" + r.err() + r.out())
                .collect(Collectors.joining("\n")));
    assertTrue(
        results.stream().mapToInt(r -> r.count(SUMMARY, 1)).sum() > 0,
        "some commands were replayed:\n" + report);
  }

  /**
   * Is there a record in any of the processor's four input topics? On an empty log there is nothing
   * to compare, and {@code replay verify} may read its scratch topics before the broker shows them
   * ("topic ... does not exist", exit 3).
   */
  private static boolean recordedAnything(Admin admin, Installation i) throws Exception {
    Topics topics = new Topics(i.topicPrefix());
    Map<TopicPartition, OffsetSpec> ends = new HashMap<>();
    for (TopicSpec<?, ?> t :
        List.of(topics.quota, topics.requests, topics.commands, topics.deliveryStatus)) {
      for (int p = 0; p < t.partitions(); p++) {
        ends.put(new TopicPartition(t.name(), p), OffsetSpec.latest());
      }
    }
    return admin.listOffsets(ends).all().get().values().stream().anyMatch(o -> o.offset() > 0);
  }

  /** {@code otpstream replay verify} in this JVM, with the environment of {@code i}. */
  private static Verified verify(Installation i, String bootstrap) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    long start = System.nanoTime();
    int exit =
        Main.commandLine(
                Map.of(
                    "KAFKA_BOOTSTRAP_SERVERS",
                    bootstrap,
                    "OTP_TOPIC_PREFIX",
                    i.topicPrefix(),
                    "OTP_SECRET",
                    i.secretBase64(),
                    "OTP_REPLAY_TIMEOUT_MS",
                    "120000"),
                new PrintWriter(out, true),
                new PrintWriter(err, true))
            .execute("replay", "verify");
    return new Verified(
        i, exit, out.toString(), err.toString(), (System.nanoTime() - start) / 1_000_000);
  }
}
