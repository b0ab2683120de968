package io.otpstream.e2e.support;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Assumptions;

/**
 * A real Apicurio Registry server (in-memory storage) in a process of its own, one per test JVM,
 * started on first use on a free loopback port and stopped when the JVM ends. The e2e build unpacks
 * the published server ({@code io.apicurio:apicurio-registry-app:<version>:tar.gz:all}, a Quarkus
 * app) and names its runner jar in {@code otp.test.schema-registry.jar}; built with {@code
 * -Dno-registry} the tests that need it are skipped, saying so.
 */
public final class SchemaRegistry {
  private static final String JAR_PROPERTY = "otp.test.schema-registry.jar";
  private static String url;
  private static Process process;
  private static Path log;

  private SchemaRegistry() {}

  /** The registry's root URL ({@code http://127.0.0.1:<port>}), starting it if need be. */
  public static synchronized String url() {
    if (url == null) {
      start();
    }
    return url;
  }

  /** What the registry printed, for a failure message. */
  public static String output() {
    try {
      return log == null ? "" : Files.readString(log);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** GET {@code path} (from the root) and its body; an assertion error unless 200. */
  public static String get(String path) {
    HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(url() + path)).GET().build());
    if (r.statusCode() != 200) {
      throw new AssertionError("GET " + path + ": " + r.statusCode() + " " + r.body());
    }
    return r.body();
  }

  private static void start() {
    String jar = System.getProperty(JAR_PROPERTY, "");
    Assumptions.assumeTrue(
        !jar.isEmpty() && Files.isRegularFile(Path.of(jar)),
        "no Apicurio Registry server unpacked ("
            + JAR_PROPERTY
            + "="
            + jar
            + "): build e2e without -Dno-registry to run the registry-mode tests");
    int port = LauncherProcess.freePort();
    try {
      log = Files.createTempFile("otp-schema-registry-", ".log");
      List<String> command =
          List.of(
              Path.of(System.getProperty("java.home"), "bin", "java").toString(),
              "-Xmx384m",
              "-XX:TieredStopAtLevel=1",
              "-Dquarkus.http.host=127.0.0.1",
              "-Dquarkus.http.port=" + port,
              "-Dquarkus.management.enabled=false",
              "-Dquarkus.http.access-log.enabled=false",
              "-jar",
              jar);
      System.out.println("schema registry on port " + port + ": output in " + log);
      process =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Runtime.getRuntime().addShutdownHook(new Thread(SchemaRegistry::stop));
    String root = "http://127.0.0.1:" + port;
    await()
        .atMost(Duration.ofMinutes(3))
        .pollInterval(Duration.ofMillis(500))
        .until(
            () -> {
              if (!process.isAlive()) {
                throw new AssertionError("the schema registry ended:\n" + output());
              }
              try {
                return send(HttpRequest.newBuilder(URI.create(root + "/health/ready")).build())
                        .statusCode()
                    == 200;
              } catch (UncheckedIOException notYet) {
                return false;
              }
            });
    url = root;
  }

  private static HttpResponse<String> send(HttpRequest request) {
    try {
      return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static void stop() {
    if (process != null) {
      process.destroy();
      try {
        process.waitFor();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
