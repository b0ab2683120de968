package io.otpstream.bench.growth;

import io.otpstream.api.apps.AppCatalog;
import io.otpstream.bench.load.LoadAverage;
import io.otpstream.bench.load.LoadResult;
import io.otpstream.common.kafka.KafkaSettings;
import io.otpstream.common.secret.Secrets;
import io.otpstream.common.settings.DefaultSettings;
import io.otpstream.dev.broker.EmbeddedKafka;
import io.otpstream.launcher.pipeline.Pipeline;
import io.otpstream.schemas.apps.AppSettings;
import io.otpstream.schemas.apps.KeyMode;
import io.otpstream.schemas.apps.Limit;
import io.otpstream.schemas.topics.TopicBootstrap;
import io.otpstream.schemas.topics.Topics;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;

/**
 * Issue 15 point 4, growth: send and verify latency (open loop, through the api) and the size of
 * the processor's state with 10k, 100k and 1M open sessions, then the time a fresh processor
 * instance (empty state folder) takes to restore those stores from their changelogs and answer.
 * Sessions are filled by producing the api's send commands straight to the entry topic ({@link
 * SessionFill}); the app's codes expire after a day (the most {@code expiry_seconds} allows), so
 * every filled session is still open when measured. One broker, everything in this JVM.
 *
 * <p>Arguments, {@code name=value}, all optional: {@code sizes} (10000,100000,1000000), {@code
 * rate} of the open loops (50/s), {@code seconds} per step (20), {@code restore} (1: restore after
 * the last size; 0: no), {@code variants}: sets of extra Kafka Streams settings to restore with
 * afterwards, each timed until RUNNING by a {@link RestoreProbe} after a baseline probe ({@link
 * RestoreVariants}: {@code k=v,k=v;k=v}).
 */
public final class GrowthBench {
  static final String APP = "growth";
  private static final String APP_ID = "otp-growth";

  private GrowthBench() {}

  public static void main(String[] args) {
    try {
      run(BenchArgs.parse(args));
      System.exit(0);
    } catch (Exception | Error e) {
      e.printStackTrace();
      System.exit(1); // the broker's threads would keep the JVM up
    }
  }

  private static void run(BenchArgs a) throws Exception {
    List<Long> sizes =
        Arrays.stream(a.get("sizes", "10000,100000,1000000").split(","))
            .map(s -> Long.parseLong(s.strip()))
            .toList();
    int rate = Integer.parseInt(a.get("rate", "50"));
    Duration step = Duration.ofSeconds(Long.parseLong(a.get("seconds", "20")));
    boolean restore = !a.get("restore", "1").equals("0");

    Path dir = Files.createTempDirectory("otp-growth-bench");
    EmbeddedKafka kafka = new EmbeddedKafka(dir.resolve("kafka"), freePort(), freePort()).start();
    KafkaSettings kafkaSettings = KafkaSettings.of(kafka.bootstrapServers());
    Topics topics = kafkaSettings.topics();
    Secrets secrets = new Secrets(Secrets.randomBytes(32));
    Limit unlimited = new Limit(DefaultSettings.MAX_LIMIT, 60);
    AppSettings appSettings =
        AppSettings.newBuilder(DefaultSettings.of(APP))
            .setVersion(1)
            .setUpdatedAt(Instant.now())
            .setExpirySeconds(86_400)
            .setResendCooldownSeconds(0)
            .setSendsPerIp(unlimited)
            .setSendsPerSubject(unlimited)
            .setResendsPerIp(unlimited)
            .setResendsPerSubject(unlimited)
            .setFailedChecksPerSubject(unlimited)
            .build();
    String key;
    try (Admin admin = Admin.create(kafkaSettings.clientProperties("bench-topics"));
        AppCatalog catalog = new AppCatalog(kafkaSettings)) {
      TopicBootstrap.ensure(admin, topics, (short) 1);
      catalog.putApp(APP, "Growth");
      key = catalog.createApiKey(APP, KeyMode.TEST);
      catalog.putSettings(appSettings);
    }
    Pipeline pipeline = start(kafkaSettings, secrets, dir.resolve("state"));
    System.out.printf(
        "otpstream growth bench: 1 broker, %d cores, Java %s, open loop %d/s for %d s, sessions"
            + " expire after %d s%n",
        Runtime.getRuntime().availableProcessors(),
        System.getProperty("java.version"),
        rate,
        step.toSeconds(),
        appSettings.getExpirySeconds());
    SendVerify load = new SendVerify(base(pipeline), key);
    load.sends("warm-up", rate, Duration.ofSeconds(10)); // not reported
    long filled = 0;
    try (Admin admin = Admin.create(kafkaSettings.clientProperties("bench-admin"));
        SessionFill fill = new SessionFill(kafkaSettings, secrets, appSettings)) {
      for (long size : sizes) {
        long start = System.nanoTime();
        String loadBefore = LoadAverage.now();
        fill.produce(filled, size);
        double produced = (System.nanoTime() - start) / 1e9;
        Settled.await(
            admin,
            APP_ID,
            topics.requests.name(),
            topics.commands.name(),
            Duration.ofHours(3),
            done ->
                System.out.printf(
                    "  filling: %,d sends read by the first stage in all, %.0f s, load %s%n",
                    done, (System.nanoTime() - start) / 1e9, LoadAverage.now()));
        double secs = (System.nanoTime() - start) / 1e9;
        System.out.printf(
            "-- %,d sessions filled (%,d new, produced in %.1f s, decided in %.1f s: %,.0f"
                + " sessions/s; load %s at start, %s at end)%n",
            size,
            size - filled,
            produced,
            secs,
            (size - filled) / secs,
            loadBefore,
            LoadAverage.now());
        filled = size;
        printChangelogs(admin);
        // the stores' memtables reach the disk when the processor closes (under exactly-once,
        // Streams does not flush them at each commit): stop it, measure, start it again
        pipeline.close();
        printDisk(dir.resolve("state").resolve(APP_ID));
        long restart = System.nanoTime();
        pipeline = start(kafkaSettings, secrets, dir.resolve("state"));
        System.out.printf(
            "  restarted on its own state folder: RUNNING after %.1f s%n",
            (System.nanoTime() - restart) / 1e9);
        load = new SendVerify(base(pipeline), key);
        load.sends("warm-up", rate, Duration.ofSeconds(5)); // not reported
        for (LoadResult r :
            java.util.Arrays.asList(
                load.sends("send", rate, step), load.verifies("verify", rate, step))) {
          if (r == null) {
            System.out.println(
                "  verify  skipped: none of the sends made to be verified answered 200");
            continue;
          }
          System.out.printf(
              "  %-7s %,9d sessions  %4d/s  n %6d  p50 %8.1f ms  p90 %8.1f  p99 %8.1f  max %8.1f"
                  + "  done/s %6.1f  %s  load %s%n",
              r.target(),
              size,
              rate,
              r.count(),
              r.ms(50),
              r.ms(90),
              r.ms(99),
              r.maxMs(),
              r.achievedPerSecond(),
              r.statuses(),
              LoadAverage.now());
        }
      }
    }
    if (restore) {
      pipeline.close();
      Path fresh = dir.resolve("state-restored");
      String loadBefore = LoadAverage.now();
      long start = System.nanoTime();
      pipeline = Pipeline.start(options(kafkaSettings, secrets, fresh));
      pipeline.awaitReady(Duration.ofMinutes(30));
      double running = (System.nanoTime() - start) / 1e9;
      SendVerify after = new SendVerify(base(pipeline), key);
      int status = 0;
      while (status != 200) {
        HttpResponse<String> r = after.send().exceptionally(e -> null).join();
        status = r == null ? 0 : r.statusCode();
      }
      double answered = (System.nanoTime() - start) / 1e9;
      System.out.printf(
          "-- restore of %,d sessions into an empty state folder: RUNNING after %.1f s, first send"
              + " answered 200 after %.1f s (load %s at start, %s at end)%n",
          filled, running, answered, loadBefore, LoadAverage.now());
      pipeline.close(); // flushes the restored stores
      printDisk(fresh.resolve(APP_ID));
      int i = 0;
      for (Map<String, Object> extra : RestoreVariants.parse(a.get("variants", ""))) {
        String at = LoadAverage.now();
        double secs =
            RestoreProbe.secondsToRestored(
                kafkaSettings, secrets, APP_ID, dir.resolve("state-probe-" + i++), extra);
        System.out.printf(
            "-- restore probe, extra Streams settings %s: stores restored after %.1f s (load %s at start,"
                + " %s at end)%n",
            extra.isEmpty() ? "none" : extra, secs, at, LoadAverage.now());
      }
    }
    pipeline.close();
    kafka.close();
    try (java.util.stream.Stream<Path> all = Files.walk(dir)) { // gigabytes at 1M
      all.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    }
  }

  private static void printDisk(Path appDir) {
    Map<String, Long> disk = StateSizes.onDisk(appDir);
    disk.forEach(
        (store, bytes) -> System.out.printf("  state on disk %-38s %,15d bytes%n", store, bytes));
    System.out.printf(
        "  state on disk %-38s %,15d bytes%n",
        "total", disk.values().stream().mapToLong(Long::longValue).sum());
  }

  private static void printChangelogs(Admin admin) throws Exception {
    Map<String, Long> logs = StateSizes.topics(admin, APP_ID + "-", "-changelog");
    logs.forEach(
        (topic, bytes) -> System.out.printf("  changelog %-42s %,15d bytes%n", topic, bytes));
    System.out.printf(
        "  changelog %-42s %,15d bytes%n",
        "total", logs.values().stream().mapToLong(Long::longValue).sum());
  }

  private static Pipeline start(KafkaSettings kafka, Secrets secrets, Path state)
      throws InterruptedException {
    Pipeline p = Pipeline.start(options(kafka, secrets, state));
    p.awaitReady(Duration.ofMinutes(3));
    return p;
  }

  private static Pipeline.Options options(KafkaSettings kafka, Secrets secrets, Path state) {
    return new Pipeline.Options(
        kafka,
        secrets,
        state,
        APP_ID,
        "127.0.0.1",
        0,
        0,
        Duration.ofSeconds(10),
        true,
        null,
        null,
        List.of());
  }

  private static String base(Pipeline p) {
    return "http://127.0.0.1:" + p.httpPort();
  }

  private static int freePort() throws java.io.IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
