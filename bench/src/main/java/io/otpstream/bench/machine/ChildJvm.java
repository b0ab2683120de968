package io.otpstream.bench.machine;

import io.otpstream.bench.topology.BrokerMain;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A JVM the bench starts beside itself (otpstream in dev mode, the limit server), on this JVM's
 * class path, so the load generator never shares a heap or a garbage collector with what it loads.
 * Its output goes to a log file; {@link #start} returns once a line matching {@code ready} was
 * printed.
 */
public final class ChildJvm implements AutoCloseable {
  private final Process process;
  private final String name;
  private final String readyLine;

  private ChildJvm(Process process, String name, String readyLine) {
    this.process = process;
    this.name = name;
    this.readyLine = readyLine;
  }

  /**
   * Starts {@code mainClass args} with {@code jvmOptions} and {@code env} added, and waits up to
   * {@code timeoutSeconds} for a line that {@code ready} accepts (that line is returned by {@link
   * #readyLine}).
   */
  public static ChildJvm start(
      String name,
      List<String> jvmOptions,
      Map<String, String> env,
      String mainClass,
      List<String> args,
      Path log,
      Predicate<String> ready,
      long timeoutSeconds)
      throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    String trusted = System.getProperty("org.apache.avro.SERIALIZABLE_PACKAGES");
    if (trusted != null) {
      cmd.add("-Dorg.apache.avro.SERIALIZABLE_PACKAGES=" + trusted);
    }
    cmd.addAll(jvmOptions);
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(mainClass);
    cmd.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().putAll(env);
    Process p = pb.start();
    CompletableFuture<String> readyLine = new CompletableFuture<>();
    Thread pump =
        new Thread(
            () -> {
              try (BufferedReader r =
                      new BufferedReader(
                          new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
                  var w = java.nio.file.Files.newBufferedWriter(log, StandardCharsets.UTF_8)) {
                for (String line; (line = r.readLine()) != null; ) {
                  w.write(line);
                  w.newLine();
                  w.flush();
                  if (!readyLine.isDone() && ready.test(line)) {
                    readyLine.complete(line);
                  }
                }
              } catch (IOException e) {
                readyLine.completeExceptionally(e);
              }
              readyLine.completeExceptionally(new IllegalStateException(name + " exited"));
            },
            "bench-child-" + name);
    pump.setDaemon(true);
    pump.start();
    try {
      return new ChildJvm(p, name, readyLine.get(timeoutSeconds, TimeUnit.SECONDS));
    } catch (Exception e) {
      new ChildJvm(p, name, null).close();
      throw new IllegalStateException(name + " did not start; see " + log, e);
    }
  }

  /** How long a launched service may take to start and to answer ready. */
  public static final long START_SECONDS = 300;

  /**
   * Starts {@code otpstream <args>} (the launcher's {@code Main}, half a gigabyte of heap) as
   * {@code name}, configured by {@code env}, logging to {@code out/<name>.log}.
   */
  public static ChildJvm launcher(
      String name,
      Map<String, String> env,
      List<String> args,
      Path out,
      java.util.function.Predicate<String> ready)
      throws IOException, InterruptedException {
    return start(
        name,
        List.of("-Xmx512m"),
        env,
        "io.otpstream.launcher.Main",
        args,
        out.resolve(name + ".log"),
        ready,
        START_SECONDS);
  }

  /**
   * Starts a broker of its own ({@link BrokerMain}, a gigabyte of heap) storing under {@code data},
   * logging to {@code out/broker.log}; {@link #bootstrapOf} gives its address.
   */
  public static ChildJvm broker(Path data, Path out) throws IOException, InterruptedException {
    return start(
        "broker",
        List.of("-Xmx1g"),
        Map.of(),
        BrokerMain.class.getName(),
        List.of(data.toString(), Integer.toString(Ports.freePair())),
        out.resolve("broker.log"),
        line -> line.startsWith(BROKER_READY),
        START_SECONDS);
  }

  /** The bootstrap address of a broker {@link #broker} started. */
  public static String bootstrapOf(ChildJvm broker) {
    return broker.readyLine().substring(BROKER_READY.length());
  }

  private static final String BROKER_READY = "broker ready on ";

  /** Waits until {@code base}/health/ready answers 200. */
  public static void awaitReady(String base) throws IOException, InterruptedException {
    HttpClient client = HttpClient.newHttpClient();
    long deadline = System.nanoTime() + Duration.ofSeconds(START_SECONDS).toNanos();
    while (System.nanoTime() < deadline) {
      try {
        HttpResponse<Void> r =
            client.send(
                HttpRequest.newBuilder(URI.create(base + "/health/ready"))
                    .timeout(Duration.ofSeconds(5))
                    .build(),
                HttpResponse.BodyHandlers.discarding());
        if (r.statusCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // not listening yet
      }
      Thread.sleep(250);
    }
    throw new IOException(base + "/health/ready did not answer 200 in " + START_SECONDS + " s");
  }

  public String readyLine() {
    return readyLine;
  }

  public long pid() {
    return process.pid();
  }

  /** Stops it as Ctrl-C would (SIGTERM, its shutdown hooks run), then forcibly after 30 s. */
  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        System.err.println(name + " did not stop in 30 s; killing it");
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
