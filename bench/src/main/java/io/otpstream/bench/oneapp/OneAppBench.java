package io.otpstream.bench.oneapp;

import io.otpstream.bench.growth.BenchArgs;
import io.otpstream.bench.load.LoadAverage;
import io.otpstream.bench.machine.ChildJvm;
import io.otpstream.bench.machine.Ports;
import io.otpstream.bench.machine.ProcessCpu;
import io.otpstream.bench.topology.BrokerMain;
import io.otpstream.common.kafka.KafkaSettings;
import io.otpstream.common.secret.Secrets;
import io.otpstream.common.settings.DefaultSettings;
import io.otpstream.schemas.apps.AppSettings;
import io.otpstream.schemas.apps.Limit;
import io.otpstream.schemas.topics.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;

/**
 * Issue 15 point 5: how fast one app's sends pass the processor with one and with two processor
 * instances, when they enter the quota stage keyed by app (one partition: how every send to a phone
 * entered before 2026-12-04) and under the app's shard keys (as {@code EntryStage} keys them now).
 *
 * <p>Each run starts a broker of its own ({@link BrokerMain}), {@code otpstream admin init} and
 * {@code processor} ×N (each {@code otpstream processor} in its own JVM, one stream thread, no
 * standby replicas), waits until the group has settled with N members, then produces {@code n}
 * sandbox SMS sends of one app to as many number blocks, from as many addresses ({@link
 * OneAppSends}), and times until the quota stage's output ({@code otp.requests}), the per-IP
 * stage's ({@code otp.commands}) and the replies hold all {@code n} committed records. The runs
 * alternate routing and count so that a burst of other work on the shared machine does not fall on
 * one variant.
 *
 * <p>Arguments, {@code name=value}, optional: {@code n} sends a run (20000, at most 79999), {@code
 * processors} (1,2), {@code rounds} (1), {@code out} folder of the child logs.
 */
public final class OneAppBench {
  private static final String APP = "big-app";

  private OneAppBench() {}

  public static void main(String[] args) {
    try {
      run(BenchArgs.parse(args));
      System.exit(0);
    } catch (Exception | Error e) {
      e.printStackTrace();
      System.exit(1);
    }
  }

  private record Result(
      String routing,
      int processors,
      double produced,
      double stage0,
      double stage1,
      double all,
      double cpu) {}

  private static void run(BenchArgs a) throws Exception {
    int n = Integer.parseInt(a.get("n", "20000"));
    if (n < 1 || n > 79_999) {
      throw new IllegalArgumentException("n must be 1-79999: " + n);
    }
    List<Integer> counts =
        Arrays.stream(a.get("processors", "1,2").split(",")).map(Integer::parseInt).toList();
    int rounds = Integer.parseInt(a.get("rounds", "1"));
    Path out = Path.of(a.get("out", "target/one-app-bench"));
    Files.createDirectories(out);
    String commitMs = System.getenv().getOrDefault("OTP_COMMIT_INTERVAL_MS", "20");
    System.out.printf(
        "otpstream one-app bench (issue 15 point 5): %d cores, Java %s, %,d sends a run,"
            + " commit.interval.ms=%s, load average at start %s%n",
        Runtime.getRuntime().availableProcessors(),
        System.getProperty("java.version"),
        n,
        commitMs,
        LoadAverage.now());
    List<Result> results = new ArrayList<>();
    for (int round = 0; round < rounds; round++) {
      for (int processors : counts) {
        for (boolean byApp : List.of(true, false)) {
          Result r = runOnce(n, processors, byApp, commitMs, out.resolve("run-" + results.size()));
          results.add(r);
          print(List.of(r), n, false);
        }
      }
    }
    System.out.println();
    print(results, n, true);
  }

  private static Result runOnce(int n, int processors, boolean byApp, String commitMs, Path out)
      throws Exception {
    Files.createDirectories(out);
    Path data = Files.createTempDirectory("otp-one-app");
    List<ChildJvm> children = new ArrayList<>();
    try {
      ChildJvm broker = ChildJvm.broker(data.resolve("broker"), out);
      children.add(broker);
      String bootstrap = ChildJvm.bootstrapOf(broker);
      String secret = Secrets.generate();
      Map<String, String> common = new HashMap<>();
      common.put("KAFKA_BOOTSTRAP_SERVERS", bootstrap);
      common.put("OTP_SECRET", secret);
      common.put("OTP_LOG_FORMAT", "text");
      common.put("OTP_COMMIT_INTERVAL_MS", commitMs);
      common.put("OTP_STANDBY_REPLICAS", "0");
      ChildJvm.launcher(
              "admin-init", common, List.of("admin", "init"), out, l -> l.startsWith("mk_"))
          .close();
      for (int i = 1; i <= processors; i++) {
        Map<String, String> env = new HashMap<>(common);
        int health = Ports.free();
        env.put("OTP_HEALTH_PORT", Integer.toString(health));
        env.put("OTP_STATE_DIR", data.resolve("processor-" + i).toString());
        children.add(
            ChildJvm.launcher("processor-" + i, env, List.of("processor"), out, l -> true));
        ChildJvm.awaitReady("http://127.0.0.1:" + health);
      }
      KafkaSettings kafka = KafkaSettings.of(bootstrap);
      awaitSettled(kafka, processors);
      Topics topics = kafka.topics();
      List<String> stages =
          List.of(topics.requests.name(), topics.commands.name(), topics.replies.name());
      try (OneAppSends sends = new OneAppSends(kafka, Secrets.fromBase64(secret), settings());
          Committed committed = new Committed(kafka, stages)) {
        double cpuBefore = cpu(children);
        long start = System.nanoTime();
        sends.produce(0, n, byApp);
        long produced = System.nanoTime();
        Map<String, Long> at = committed.awaitEach(n, Duration.ofMinutes(10));
        double cpu = cpu(children) - cpuBefore;
        for (String stage : stages) {
          if (!at.containsKey(stage)) {
            throw new IllegalStateException(
                stage
                    + " holds "
                    + committed.count(stage)
                    + " of "
                    + n
                    + " after 10 min; see "
                    + out);
          }
        }
        return new Result(
            byApp ? "by app (before)" : "by shard (now)",
            processors,
            secs(start, produced),
            secs(start, at.get(stages.get(0))),
            secs(start, at.get(stages.get(1))),
            secs(start, at.get(stages.get(2))),
            cpu);
      }
    } finally {
      for (int i = children.size() - 1; i >= 0; i--) {
        children.get(i).close();
      }
    }
  }

  /** The app's settings: every limit out of the way (the bench measures throughput). */
  private static AppSettings settings() {
    Limit unlimited = new Limit(DefaultSettings.MAX_LIMIT, 60);
    return AppSettings.newBuilder(DefaultSettings.of(APP))
        .setVersion(1)
        .setUpdatedAt(Instant.now())
        .setSendsPerIp(unlimited)
        .setSendsPerSubject(unlimited)
        .setSendsPerNumberBlock(unlimited)
        .build();
  }

  /** Waits until the processors' group is stable with {@code members} members, each with tasks. */
  private static void awaitSettled(KafkaSettings kafka, int members) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(ChildJvm.START_SECONDS);
    try (Admin admin = Admin.create(kafka.clientProperties())) {
      while (System.nanoTime() < deadline) {
        ConsumerGroupDescription g =
            admin
                .describeConsumerGroups(List.of("otp-processor"))
                .all()
                .get(10, TimeUnit.SECONDS)
                .get("otp-processor");
        if (g.members().size() == members
            && g.members().stream()
                .map(MemberDescription::assignment)
                .allMatch(m -> !m.topicPartitions().isEmpty())
            && g.groupState().toString().equalsIgnoreCase("stable")) {
          return;
        }
        Thread.sleep(250);
      }
    }
    throw new IllegalStateException("the processors' group did not settle with " + members);
  }

  private static double cpu(List<ChildJvm> children) {
    return children.stream().mapToDouble(c -> ProcessCpu.seconds(c.pid())).sum();
  }

  private static double secs(long from, long to) {
    return (to - from) / 1e9;
  }

  private static void print(List<Result> results, int n, boolean header) {
    if (header) {
      System.out.printf(
          "%-17s %10s %11s %12s %12s %12s %12s %11s%n",
          "stage 0 keyed",
          "processors",
          "produced s",
          "stage 0 /s",
          "stage 1 /s",
          "answered s",
          "answered /s",
          "cpu ms/send");
    }
    for (Result r : results) {
      System.out.printf(
          "%-17s %10d %11.1f %12.0f %12.0f %12.1f %12.0f %11.2f%n",
          r.routing(),
          r.processors(),
          r.produced(),
          n / r.stage0(),
          n / r.stage1(),
          r.all(),
          n / r.all(),
          r.cpu() * 1000 / n);
    }
  }
}
