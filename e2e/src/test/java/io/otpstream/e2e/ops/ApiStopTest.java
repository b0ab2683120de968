package io.otpstream.e2e.ops;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.otpstream.common.kafka.KafkaSettings;
import io.otpstream.common.secret.Secrets;
import io.otpstream.e2e.support.Http;
import io.otpstream.e2e.support.SharedKafka;
import io.otpstream.schemas.topics.TopicBootstrap;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;

/**
 * {@code otpstream api} in a JVM of its own, stopped with SIGTERM as Docker and Kubernetes stop it:
 * it first turns not-ready while it still serves (for {@code OTP_DRAIN_MS}), then stops, within
 * {@code OTP_STOP_TIMEOUT_MS}.
 */
class ApiStopTest {
  @Test
  void on_sigterm_the_api_turns_not_ready_while_still_serving_then_stops() throws Exception {
    KafkaSettings kafka =
        KafkaSettings.of(SharedKafka.bootstrapServers())
            .withPrefix("stop-" + UUID.randomUUID().toString().substring(0, 8) + ".");
    try (Admin admin = Admin.create(kafka.clientProperties())) {
      TopicBootstrap.ensure(admin, kafka.topics(), (short) 1);
    }
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Path log = Files.createTempFile("otp-api-", ".log");
    ProcessBuilder pb =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m",
                "-Dorg.apache.avro.SERIALIZABLE_PACKAGES=java.lang,java.math,java.io,java.net,org.apache.avro.util,io.otpstream",
                "-cp",
                System.getProperty("java.class.path"),
                "io.otpstream.launcher.Main",
                "api")
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    Map<String, String> env = pb.environment();
    env.put("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
    env.put("OTP_TOPIC_PREFIX", kafka.topics().prefix());
    env.put("OTP_SECRET", Secrets.generate());
    env.put("OTP_HTTP_PORT", Integer.toString(port));
    env.put("OTP_DRAIN_MS", "3000");
    env.put("OTP_STOP_TIMEOUT_MS", "15000");
    Process api = pb.start();
    try {
      Http http = new Http("http://localhost:" + port);
      await()
          .atMost(Duration.ofSeconds(90))
          .pollInterval(Duration.ofMillis(200))
          .ignoreExceptions()
          .until(() -> http.get("/health/ready").status() == 200);

      api.destroy(); // SIGTERM

      await()
          .atMost(Duration.ofSeconds(3))
          .pollInterval(Duration.ofMillis(20))
          .until(() -> http.get("/health/ready").status() == 503);
      Http.Response ready = http.get("/health/ready");
      assertEquals("DOWN", ready.json().get("checks").get("accepting").asText(), ready.raw());
      assertEquals(200, http.get("/openapi.json").status(), "still serving while draining");

      assertTrue(api.waitFor(20, TimeUnit.SECONDS), "stopped within the stop timeout");
      String output = Files.readString(log);
      assertTrue(output.contains("api draining"), output);
      assertTrue(output.contains("stopped in"), output);
    } finally {
      api.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }
  }
}
