package io.otpstream.bench.machine;

import io.otpstream.bench.delivery.Deliveries;
import io.otpstream.bench.delivery.ProviderServer;
import io.otpstream.bench.load.Http;
import io.otpstream.bench.load.LoadGenerator;
import io.otpstream.bench.load.LoadResult;
import io.otpstream.bench.load.Operation;
import io.otpstream.bench.scenario.BenchApps;
import io.otpstream.bench.scenario.Fresh;
import io.otpstream.bench.scenario.LiveSends;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.LongStream;

/**
 * Otpstream in its production topology on this machine ({@link ProductionTopology}: broker, api ×2,
 * processor ×2, an SMS dispatcher, each a process) against the limits (a) and (b) on the same
 * broker, with {@link MachineBench}'s load generator, steps and output: sandbox sends taken in turn
 * by the two apis, and live sends timed until the HTTP SMS provider in this JVM ({@link
 * ProviderServer}) has the message.
 *
 * <p>Arguments, all optional, as {@code name=value}: {@code seconds} per step (10), {@code warmup}
 * seconds per target (5), {@code rates} (50,200), {@code connections} (8,64), {@code scenarios}
 * (send,live), {@code smsrate} the dispatcher's {@code OTP_SMS_RATE_PER_SECOND} (2000; the default
 * of 50 would cap the live sends), {@code smsinflight} its {@code OTP_SMS_MAX_IN_FLIGHT} (32),
 * {@code out} (target/load-bench/production).
 */
public final class ProductionBench {
  static final Map<String, String> NAMES =
      Map.of(
          "send", "otpstream prod sandbox send",
          "live", "otpstream prod live send to HTTP");

  private ProductionBench() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> opt = new HashMap<>();
    Arrays.stream(args)
        .flatMap(a -> Arrays.stream(a.strip().split("\\s+")))
        .filter(a -> !a.isEmpty())
        .map(a -> a.split("=", 2))
        .forEach(kv -> opt.put(kv[0], kv[1]));
    Duration step = Duration.ofSeconds(Long.parseLong(opt.getOrDefault("seconds", "10")));
    Duration warmup = Duration.ofSeconds(Long.parseLong(opt.getOrDefault("warmup", "5")));
    int[] rates = ints(opt.getOrDefault("rates", "50,200"));
    int[] connections = ints(opt.getOrDefault("connections", "8,64"));
    List<String> scenarios = List.of(opt.getOrDefault("scenarios", "send,live").split(","));
    int smsRate = Integer.parseInt(opt.getOrDefault("smsrate", "2000"));
    int smsInFlight = Integer.parseInt(opt.getOrDefault("smsinflight", "32"));
    Path out = Path.of(opt.getOrDefault("out", "target/load-bench/production")).toAbsolutePath();
    Files.createDirectories(out);
    Path data = Files.createTempDirectory("otp-prodbench");
    String commitMs = System.getenv().getOrDefault("OTP_COMMIT_INTERVAL_MS", "20");
    System.out.printf(
        "otpstream production-topology load bench (issue 15): %d cores, Java %s,"
            + " commit.interval.ms=%s, SMS rate %d/s and %d in flight, load average at start %s%n",
        Runtime.getRuntime().availableProcessors(),
        System.getProperty("java.version"),
        commitMs,
        smsRate,
        smsInFlight,
        Load.average());
    Deliveries deliveries = new Deliveries();
    try (ProviderServer sms = ProviderServer.start(deliveries);
        ProductionTopology prod =
            ProductionTopology.start(data, out, sms, smsRate, smsInFlight, commitMs);
        ChildJvm limits =
            ChildJvm.start(
                "limit-server",
                List.of(),
                Map.of(),
                "io.otpstream.bench.limit.LimitServer",
                List.of(prod.bootstrap(), commitMs, data.resolve("limit").toString()),
                out.resolve("limit-server.log"),
                line -> line.startsWith("limit server ready on port "),
                300)) {
      System.out.printf(
          "broker %s; apis %s; SMS provider %s; limit server pid %d%n",
          prod.bootstrap(), prod.apis(), sms.url(), limits.pid());
      Http http = new Http();
      BenchApps.App app =
          BenchApps.create(prod.apis().get(0), prod.managementKey(), "Production bench", null);
      LiveSends sends =
          new LiveSends(http, prod.apis(), app.liveKey(), app.testKey(), deliveries, new Fresh());
      String limitBase =
          "http://127.0.0.1:"
              + limits.readyLine().substring("limit server ready on port ".length());
      String body = "{\"channels\":[\"sms\"],\"recipients\":{\"sms\":\"+14155550123\"}}";
      Map<String, Operation> targets = new LinkedHashMap<>();
      targets.put(Report.LIMIT_A, post(http, limitBase + "/limit/produce", body));
      targets.put(Report.LIMIT_B, post(http, limitBase + "/limit/hop", body));
      if (scenarios.contains("send")) {
        targets.put(NAMES.get("send"), sends.sandboxSend());
      }
      if (scenarios.contains("live")) {
        targets.put(NAMES.get("live"), sends.liveSend());
      }
      long[] pids =
          LongStream.concat(Arrays.stream(prod.pids()), LongStream.of(limits.pid())).toArray();
      for (Map.Entry<String, Operation> t : targets.entrySet()) {
        LoadResult w = LoadGenerator.open(t.getKey(), t.getValue(), rates[0], warmup);
        System.out.printf("warm-up %-32s %s%n", t.getKey(), w.statuses());
        settle(deliveries);
      }
      double idle = Load.cpu(pids);
      Thread.sleep(5000);
      System.out.printf(
          Locale.ROOT,
          "idle, CPU s/s: the %d processes together %.2f (included in cpu ms/op)%n",
          pids.length,
          (Load.cpu(pids) - idle) / 5);
      List<LoadResult> results = new ArrayList<>();
      for (int rate : rates) {
        for (Map.Entry<String, Operation> t : targets.entrySet()) {
          results.add(
              Load.step(pids, () -> LoadGenerator.open(t.getKey(), t.getValue(), rate, step)));
          settle(deliveries);
        }
      }
      for (int c : connections) {
        for (Map.Entry<String, Operation> t : targets.entrySet()) {
          results.add(
              Load.step(pids, () -> LoadGenerator.closed(t.getKey(), t.getValue(), c, step)));
          settle(deliveries);
        }
      }
      System.out.printf(
          "%nload average at end %s (%s); SMS provider: %d messages, %d unmatched%n%n",
          Load.average(), Instant.now(), deliveries.receivedCount(), deliveries.unmatchedCount());
      Report.table(System.out, results);
      System.out.println();
      Report.ratios(System.out, results);
      Report.csv(out, results);
      System.out.println("\nCSV and .hgrm files in " + out);
    }
    Load.deleteTree(data);
    System.exit(0);
  }

  private static void settle(Deliveries deliveries) {
    if (deliveries.inFlight() > 0) {
      long before = deliveries.inFlight();
      long left = deliveries.awaitSettled(Duration.ofSeconds(10), Duration.ofSeconds(180));
      System.out.printf("  settle: %d live messages on their way, %d left%n", before, left);
    }
  }

  private static int[] ints(String csv) {
    return Arrays.stream(csv.split(",")).mapToInt(Integer::parseInt).toArray();
  }

  private static Operation post(Http http, String url, String body) {
    return seq -> http.post(url, Map.of(), body).thenApply(HttpResponse::statusCode);
  }
}
