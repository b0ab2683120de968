package io.otpstream.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.otpstream.api.apps.AppCatalog;
import io.otpstream.common.json.Json;
import io.otpstream.common.kafka.KafkaSettings;
import io.otpstream.common.outbox.Outbox;
import io.otpstream.common.secret.Secrets;
import io.otpstream.common.settings.DefaultSettings;
import io.otpstream.dev.broker.EmbeddedKafka;
import io.otpstream.dispatcher.provider.OutboxProvider;
import io.otpstream.launcher.pipeline.Pipeline;
import io.otpstream.schemas.apps.AppSettings;
import io.otpstream.schemas.apps.KeyMode;
import io.otpstream.schemas.apps.Limit;
import io.otpstream.schemas.topics.TopicBootstrap;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.admin.Admin;

/**
 * Decision latency through the real pipeline (HTTP api, Kafka, both processor stages, reply), at
 * fixed request rates, on a real single-node broker in this process. Open loop: each request is
 * timed from when it was due, not when it went out, so a stall counts against every request it
 * delays (no coordinated omission).
 *
 * <p>Two operations: a sandbox send (api, then the IP stage, then one hop to the subject stage,
 * then the reply) and a verify (api, then the subject stage directly, then the reply). Their
 * difference is the cost of the repartition hop between the stages.
 *
 * <p>Run: {@code mvn -q -pl bench -am install -DskipTests && mvn -q -pl bench exec:exec} (optional
 * {@code -Dbench.args="1:30,100:20,1000:10"} = rate:seconds pairs).
 */
public final class LatencyBench {
  private static final HttpClient HTTP =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .executor(Executors.newFixedThreadPool(64))
          .build();
  private static final AtomicInteger SUBJECTS = new AtomicInteger();

  private LatencyBench() {}

  public static void main(String[] args) throws Exception {
    String plan = args.length > 0 && !args[0].isBlank() ? args[0] : "1:30,100:20,1000:10";
    Path dir = Files.createTempDirectory("otp-bench");
    int kafkaPort = freePort();
    EmbeddedKafka kafka = new EmbeddedKafka(dir.resolve("kafka"), kafkaPort, freePort()).start();
    KafkaSettings settings = KafkaSettings.of(kafka.bootstrapServers());
    try (Admin admin = Admin.create(settings.clientProperties())) {
      TopicBootstrap.ensure(admin, settings.topics(), (short) 1);
    }
    String key;
    try (AppCatalog catalog = new AppCatalog(settings)) {
      catalog.putApp("bench", "Bench");
      key = catalog.createApiKey("bench", KeyMode.TEST);
      Limit unlimited = new Limit(DefaultSettings.MAX_LIMIT, 60);
      catalog.putSettings(
          AppSettings.newBuilder(DefaultSettings.of("bench"))
              .setVersion(1)
              .setUpdatedAt(Instant.now())
              .setResendCooldownSeconds(0)
              .setSendsPerIp(unlimited)
              .setSendsPerSubject(unlimited)
              .setResendsPerIp(unlimited)
              .setResendsPerSubject(unlimited)
              .setFailedChecksPerSubject(unlimited)
              .build());
    }
    Outbox outbox = new Outbox(dir.resolve("outbox.jsonl"));
    Pipeline pipeline =
        Pipeline.start(
            new Pipeline.Options(
                settings,
                new Secrets(Secrets.randomBytes(32)),
                dir.resolve("streams"),
                "otp-bench",
                "127.0.0.1",
                0,
                0,
                Duration.ofSeconds(10),
                true,
                new OutboxProvider(outbox, "sms", Clock.systemUTC()),
                new OutboxProvider(outbox, "email", Clock.systemUTC()),
                List.of()));
    pipeline.awaitReady(Duration.ofMinutes(2));
    String base = "http://localhost:" + pipeline.httpPort();
    System.out.printf(
        "otpstream latency bench: 1 broker, processor commit.interval.ms=%d, %d cores, Java %s%n",
        io.otpstream.processor.ProcessorService.Config.of(settings, "x", dir).commitIntervalMs(),
        Runtime.getRuntime().availableProcessors(),
        System.getProperty("java.version"));

    run(base, key, 100, 10, false); // warm-up, not reported
    System.out.printf(
        "%-7s %-7s %7s %9s %9s %9s %9s %9s %7s%n",
        "rate/s", "op", "n", "p50 ms", "p90 ms", "p99 ms", "max ms", "done/s", "errors");
    for (String step : plan.split(",")) {
      int rate = Integer.parseInt(step.split(":")[0].strip());
      int seconds = Integer.parseInt(step.split(":")[1].strip());
      for (boolean verify : new boolean[] {false, true}) {
        Result r = run(base, key, rate, seconds, verify);
        System.out.printf(
            "%-7d %-7s %7d %9.1f %9.1f %9.1f %9.1f %9.0f %7d%n",
            rate,
            verify ? "verify" : "send",
            r.h.getTotalCount(),
            ms(r.h, 50),
            ms(r.h, 90),
            ms(r.h, 99),
            r.h.getMaxValue() / 1e3,
            r.achieved,
            r.errors);
      }
    }
    pipeline.close();
    kafka.close();
    System.exit(0);
  }

  private record Result(Histogram h, double achieved, int errors) {}

  /** Open-loop load at {@code rate}/s for {@code seconds}; latencies in microseconds. */
  private static Result run(String base, String key, int rate, int seconds, boolean verify)
      throws Exception {
    int n = rate * seconds;
    List<HttpRequest> requests = new ArrayList<>(n);
    if (verify) { // sessions to verify, made first (not timed)
      List<CompletableFuture<HttpResponse<String>>> made = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        made.add(HTTP.sendAsync(send(base, key), HttpResponse.BodyHandlers.ofString()));
        if (i % 200 == 199) {
          CompletableFuture.allOf(made.subList(i - 199, i + 1).toArray(CompletableFuture[]::new))
              .exceptionally(e -> null)
              .join();
        }
      }
      for (CompletableFuture<HttpResponse<String>> f : made) {
        HttpResponse<String> resp = f.exceptionally(e -> null).join();
        if (resp == null || resp.statusCode() != 200) {
          continue; // a session that could not be made is not verified
        }
        JsonNode data = Json.MAPPER.readTree(resp.body()).get("data");
        requests.add(
            post(
                base + "/api/v1/otp/verify",
                key,
                Json.MAPPER.writeValueAsString(
                    java.util.Map.of(
                        "session_token",
                        data.get("session_token").asText(),
                        "otps",
                        java.util.Map.of("email", data.get("otps").get("email").asText())))));
      }
    } else {
      for (int i = 0; i < n; i++) {
        requests.add(send(base, key));
      }
    }
    Histogram h = new Histogram(60_000_000L, 3);
    AtomicInteger errors = new AtomicInteger();
    List<CompletableFuture<?>> inFlight = new ArrayList<>(n);
    long periodNanos = 1_000_000_000L / rate;
    long start = System.nanoTime();
    for (int i = 0; i < n; i++) {
      long due = start + i * periodNanos;
      long wait;
      while ((wait = due - System.nanoTime()) > 0) {
        LockSupport.parkNanos(wait);
      }
      inFlight.add(
          HTTP.sendAsync(requests.get(i), HttpResponse.BodyHandlers.ofString())
              .whenComplete(
                  (resp, err) -> {
                    long micros = (System.nanoTime() - due) / 1000;
                    synchronized (h) {
                      h.recordValue(Math.min(micros, h.getHighestTrackableValue()));
                    }
                    if (err != null || resp.statusCode() != 200) {
                      errors.incrementAndGet();
                    }
                  }));
    }
    CompletableFuture.allOf(inFlight.toArray(CompletableFuture[]::new))
        .exceptionally(e -> null)
        .join();
    double elapsed = (System.nanoTime() - start) / 1e9;
    return new Result(h, n / elapsed, errors.get());
  }

  private static HttpRequest send(String base, String key) {
    int s = SUBJECTS.incrementAndGet();
    return post(
        base + "/api/v1/otp/send",
        key,
        "{\"channels\":[\"email\"],\"recipients\":{\"email\":\"u" + s + "@bench.example\"}}",
        "10.9." + (s % 250) + ".1");
  }

  private static HttpRequest post(String url, String key, String body) {
    return post(url, key, body, "10.8.0.1");
  }

  private static HttpRequest post(String url, String key, String body, String ip) {
    return HttpRequest.newBuilder(URI.create(url))
        .timeout(Duration.ofSeconds(30))
        .header("X-API-Key", key)
        .header("Content-Type", "application/json")
        .header("X-Forwarded-For", ip)
        .POST(HttpRequest.BodyPublishers.ofString(body))
        .build();
  }

  private static double ms(Histogram h, double percentile) {
    return h.getValueAtPercentile(percentile) / 1e3;
  }

  private static int freePort() throws java.io.IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
