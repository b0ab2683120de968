package io.otpstream.bench.machine;

import io.otpstream.bench.devmode.OtpScenarios;
import io.otpstream.bench.load.Http;
import io.otpstream.bench.load.LoadGenerator;
import io.otpstream.bench.load.LoadResult;
import io.otpstream.bench.load.Operation;
import io.otpstream.common.json.Json;
import io.otpstream.dev.local.DevCredentials;
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

/**
 * Otpstream against this machine's limit (issue 15), in one run with one load generator: the limits
 * (a) and (b) of {@link io.otpstream.bench.limit.LimitServer}, then otpstream in dev mode ({@code
 * otpstream dev}: embedded broker and every service in one process), each in its own JVM on the
 * same broker (otpstream's). Every target gets the same open-loop rates and the same closed-loop
 * maximum; the table, the ratios to (a) and (b) and the CSV files follow.
 *
 * <p>Arguments, all optional, as {@code name=value}: {@code seconds} per step (10), {@code warmup}
 * seconds per target (5), {@code rates} open-loop rates per second (50,200), {@code connections} of
 * the closed loop (16), {@code scenarios} (by default send,verify,floodip,floodnumber,mixed; also
 * live, resend and storm of {@link ExtraScenarios}), {@code stormsessions} (1000), {@code profile}
 * (the connections of an extra sandbox-send closed loop during which the dev process is recorded
 * with JFR, CPU and allocation; by default the first of {@code connections}, 0: none), {@code out}
 * (target/load-bench).
 */
public final class MachineBench {
  private MachineBench() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> opt = new HashMap<>();
    Arrays.stream(args)
        .flatMap(a -> Arrays.stream(a.strip().split("\\s+"))) // one -Dbench.args string too
        .filter(a -> !a.isEmpty())
        .map(a -> a.split("=", 2))
        .forEach(kv -> opt.put(kv[0], kv[1]));
    Duration step = Duration.ofSeconds(Long.parseLong(opt.getOrDefault("seconds", "10")));
    Duration warmup = Duration.ofSeconds(Long.parseLong(opt.getOrDefault("warmup", "5")));
    int[] rates =
        Arrays.stream(opt.getOrDefault("rates", "50,200").split(","))
            .mapToInt(Integer::parseInt)
            .toArray();
    int[] connections =
        Arrays.stream(opt.getOrDefault("connections", "8,64").split(","))
            .mapToInt(Integer::parseInt)
            .toArray();
    List<String> scenarios =
        List.of(opt.getOrDefault("scenarios", "send,verify,floodip,floodnumber,mixed").split(","));
    Path out = Path.of(opt.getOrDefault("out", "target/load-bench")).toAbsolutePath();
    Files.createDirectories(out);
    Path data = Files.createTempDirectory("otp-loadbench");
    String commitMs = System.getenv().getOrDefault("OTP_COMMIT_INTERVAL_MS", "20");

    System.out.printf(
        "otpstream load bench (issue 15): %d cores, Java %s, commit.interval.ms=%s, load average"
            + " at start %s%n",
        Runtime.getRuntime().availableProcessors(),
        System.getProperty("java.version"),
        commitMs,
        Load.average());
    int kafkaPort = Ports.freePair();
    int httpPort = Ports.free();
    try (ChildJvm dev =
            ChildJvm.start(
                "otpstream-dev",
                List.of(),
                Map.of(),
                "io.otpstream.dev.DevMain",
                List.of(
                    "dev",
                    "--data-dir",
                    data.resolve("dev").toString(),
                    "--http-port",
                    Integer.toString(httpPort),
                    "--kafka-port",
                    Integer.toString(kafkaPort)),
                out.resolve("otpstream-dev.log"),
                line -> line.contains("otpstream is running"),
                300);
        ChildJvm limits =
            ChildJvm.start(
                "limit-server",
                List.of(),
                Map.of(),
                "io.otpstream.bench.limit.LimitServer",
                List.of("localhost:" + kafkaPort, commitMs, data.resolve("limit").toString()),
                out.resolve("limit-server.log"),
                line -> line.startsWith("limit server ready on port "),
                300)) {
      System.out.printf(
          "otpstream dev: pid %d, http %d, kafka %d; limit server: pid %d%n",
          dev.pid(), httpPort, kafkaPort, limits.pid());
      DevCredentials creds =
          Json.MAPPER.readValue(
              data.resolve("dev").resolve("dev-credentials.json").toFile(), DevCredentials.class);
      Http http = new Http();
      String limitBase =
          "http://127.0.0.1:"
              + limits.readyLine().substring("limit server ready on port ".length());
      String body = "{\"channels\":[\"sms\"],\"recipients\":{\"sms\":\"+14155550123\"}}";
      OtpScenarios otp = new OtpScenarios(http, "http://127.0.0.1:" + httpPort, creds.testKey());
      Map<String, Operation> targets = new LinkedHashMap<>();
      targets.put(Report.LIMIT_A, post(http, limitBase + "/limit/produce", body));
      targets.put(Report.LIMIT_B, post(http, limitBase + "/limit/hop", body));
      Map<String, Operation> all = new LinkedHashMap<>();
      all.put("send", otp.sandboxSend());
      all.put("verify", otp.sendAndVerify());
      all.put("floodip", otp.floodOneIp());
      all.put("floodnumber", otp.floodOneNumber());
      all.put("mixed", otp.mixed());
      Map<String, String> names =
          new HashMap<>(
              Map.of(
                  "send", "otpstream sandbox send",
                  "verify", "otpstream send + verify",
                  "floodip", "otpstream flood one IP",
                  "floodnumber", "otpstream flood one number",
                  "mixed", "otpstream mixed 70/25/5"));
      ExtraScenarios extra =
          ExtraScenarios.start(
              http,
              "http://127.0.0.1:" + httpPort,
              creds,
              data.resolve("dev").resolve("outbox.jsonl"),
              scenarios,
              Integer.parseInt(opt.getOrDefault("stormsessions", "1000")));
      all.putAll(extra.operations());
      names.putAll(ExtraScenarios.NAMES);
      for (String s : scenarios) {
        targets.put(names.get(s), all.get(s));
      }

      List<LoadResult> results = new ArrayList<>();
      for (Map.Entry<String, Operation> t : targets.entrySet()) {
        LoadResult w = LoadGenerator.open(t.getKey(), t.getValue(), rates[0], warmup);
        System.out.printf("warm-up %-32s %s%n", t.getKey(), w.statuses());
        extra.settle();
      }
      long[] pids = {dev.pid(), limits.pid()};
      double devIdle = ProcessCpu.seconds(dev.pid());
      double limitsIdle = ProcessCpu.seconds(limits.pid());
      Thread.sleep(5000);
      System.out.printf(
          Locale.ROOT,
          "idle, CPU s/s: otpstream dev %.2f, limit server %.2f (included in cpu ms/op)%n",
          (ProcessCpu.seconds(dev.pid()) - devIdle) / 5,
          (ProcessCpu.seconds(limits.pid()) - limitsIdle) / 5);
      for (int rate : rates) {
        for (Map.Entry<String, Operation> t : targets.entrySet()) {
          results.add(
              Load.step(pids, () -> LoadGenerator.open(t.getKey(), t.getValue(), rate, step)));
          extra.settle();
        }
      }
      for (int c : connections) {
        for (Map.Entry<String, Operation> t : targets.entrySet()) {
          results.add(
              Load.step(pids, () -> LoadGenerator.closed(t.getKey(), t.getValue(), c, step)));
          extra.settle();
        }
      }
      int profileAt =
          Integer.parseInt(opt.getOrDefault("profile", Integer.toString(connections[0])));
      if (profileAt > 0) { // an extra step, so JFR's overhead stays out of the others
        Operation send = otp.sandboxSend();
        Profile p =
            Profile.start(
                dev.pid(),
                out.resolve("otpstream-dev-send.jfr"),
                () -> LoadGenerator.closed("JFR warm-up", send, profileAt, step));
        String target = names.get("send") + " (JFR on)";
        results.add(Load.step(pids, () -> LoadGenerator.closed(target, send, profileAt, step)));
        p.close();
        System.out.println("  JFR of the dev process during this step: " + p.file());
      }
      System.out.printf("%nload average at end %s (%s)%n%n", Load.average(), Instant.now());
      Report.table(System.out, results);
      System.out.println();
      Report.ratios(System.out, results);
      Report.csv(out, results);
      System.out.println("\nCSV and .hgrm files in " + out);
      extra.close();
    }
    Load.deleteTree(data);
    System.exit(0);
  }

  private static Operation post(Http http, String url, String body) {
    return seq -> http.post(url, Map.of(), body).thenApply(HttpResponse::statusCode);
  }
}
