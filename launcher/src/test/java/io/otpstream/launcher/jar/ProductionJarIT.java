package io.otpstream.launcher.jar;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;
import org.junit.jupiter.api.Test;

/**
 * The shaded production jar ({@code launcher/target/otpstream.jar}, what the images run) carries
 * the Kafka clients, Streams and the admin client, and none of the broker: no {@code kafka.server},
 * {@code org.apache.kafka.server}, KRaft, controller, storage or Scala classes. Runs after {@code
 * package} (failsafe), on the jar itself.
 */
class ProductionJarIT {
  /** Class-path prefixes that only a broker (or its Scala runtime) brings. */
  static final List<String> BROKER_PREFIXES =
      List.of(
          "kafka/",
          "org/apache/kafka/server/",
          "org/apache/kafka/raft/",
          "org/apache/kafka/controller/",
          "org/apache/kafka/metadata/",
          "org/apache/kafka/storage/",
          "org/apache/kafka/image/",
          "org/apache/kafka/coordinator/",
          "scala/",
          "io/otpstream/dev/");

  /**
   * The plugin interfaces kafka-clients itself ships under {@code org.apache.kafka.server}
   * (authorizer, quota, telemetry, policy): part of the client jar, not of a broker.
   */
  static final List<String> CLIENT_JAR_SERVER_APIS =
      List.of(
          "org/apache/kafka/server/authorizer/",
          "org/apache/kafka/server/quota/",
          "org/apache/kafka/server/telemetry/",
          "org/apache/kafka/server/policy/");

  private static Path jar() {
    Path jar = Path.of(System.getProperty("otp.production.jar", "target/otpstream.jar"));
    assertTrue(Files.isRegularFile(jar), "no production jar at " + jar.toAbsolutePath());
    return jar;
  }

  static List<String> brokerEntries(Path jar) throws IOException {
    try (JarFile file = new JarFile(jar.toFile())) {
      return file.stream()
          .map(ZipEntry::getName)
          .filter(name -> name.endsWith(".class"))
          .filter(name -> BROKER_PREFIXES.stream().anyMatch(name::startsWith))
          .filter(name -> CLIENT_JAR_SERVER_APIS.stream().noneMatch(name::startsWith))
          .toList();
    }
  }

  @Test
  void the_production_jar_holds_no_kafka_broker_class() throws IOException {
    List<String> found = brokerEntries(jar());
    assertEquals(
        List.of(),
        found.subList(0, Math.min(found.size(), 20)),
        found.size() + " broker entries in " + jar());
  }

  @Test
  void the_production_jar_holds_the_clients_streams_and_admin() throws IOException {
    // what the services need; also proves the scan above reads the jar's classes
    try (JarFile file = new JarFile(jar().toFile())) {
      for (String needed :
          List.of(
              "org/apache/kafka/clients/producer/KafkaProducer.class",
              "org/apache/kafka/clients/consumer/KafkaConsumer.class",
              "org/apache/kafka/clients/admin/Admin.class",
              "org/apache/kafka/streams/KafkaStreams.class",
              "io/otpstream/launcher/Main.class")) {
        assertTrue(file.getEntry(needed) != null, needed + " is missing from " + jar());
      }
      assertEquals(
          "io.otpstream.launcher.Main",
          file.getManifest().getMainAttributes().getValue("Main-Class"));
    }
  }

  @Test
  void the_production_jar_starts_and_lists_the_services_without_dev_mode() throws Exception {
    Process p =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar",
                jar().toString(),
                "--help")
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "otpstream --help did not end");
    assertEquals(0, p.exitValue(), out);
    for (String command : List.of("api", "processor", "dispatcher-sms", "dispatcher-email")) {
      assertTrue(out.contains("  " + command + " "), command + " missing from:\n" + out);
    }
    assertFalse(out.contains("  dev "), "dev mode listed by the production jar:\n" + out);
  }
}
