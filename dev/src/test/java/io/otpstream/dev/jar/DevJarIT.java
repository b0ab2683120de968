package io.otpstream.dev.jar;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;

/**
 * {@code dev/target/otpstream-dev.jar}, what {@code ./otpstream} runs: the production command line
 * plus {@code dev}, with the embedded broker inside (the production jar has none: launcher's
 * ProductionJarIT). Runs after {@code package} (failsafe), on the jar itself.
 */
class DevJarIT {
  private static Path jar() {
    Path jar = Path.of(System.getProperty("otp.dev.jar", "target/otpstream-dev.jar"));
    assertTrue(Files.isRegularFile(jar), "no dev jar at " + jar.toAbsolutePath());
    return jar;
  }

  @Test
  void the_dev_jar_holds_the_embedded_broker_and_dev_mode() throws Exception {
    try (JarFile file = new JarFile(jar().toFile())) {
      for (String needed :
          List.of(
              "kafka/server/KafkaRaftServer.class",
              "kafka/tools/StorageTool.class",
              "io/otpstream/dev/broker/EmbeddedKafka.class",
              "io/otpstream/dev/local/outbox.html",
              "io/otpstream/launcher/Main.class")) {
        assertTrue(file.getEntry(needed) != null, needed + " is missing from " + jar());
      }
      assertEquals(
          "io.otpstream.dev.DevMain",
          file.getManifest().getMainAttributes().getValue("Main-Class"));
    }
  }

  @Test
  void the_dev_jar_lists_dev_mode_beside_every_service() throws Exception {
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
    for (String command :
        List.of("dev", "api", "processor", "dispatcher-sms", "dispatcher-email")) {
      assertTrue(out.contains("  " + command + " "), command + " missing from:\n" + out);
    }
  }
}
