package io.otpstream.e2e.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * What {@code docker-compose.yml} promises an operator, read from the file itself (no Docker engine
 * here): pinned images, Kafka's data on its volume, restart policies and health checks, stop grace
 * periods that outlast the services' stop timeout, {@code admin init} before everything, two api
 * and two processor instances, and Prometheus scraping every service. {@link ComposeConfigTest} has
 * Docker Compose itself validate the file.
 */
class ComposeStackTest {
  static final Path ROOT = Path.of("").toAbsolutePath().getParent();
  private static final Set<String> OTP_SERVICES =
      Set.of(
          "api-1",
          "api-2",
          "processor-1",
          "processor-2",
          "dispatcher-sms",
          "dispatcher-email",
          "dispatcher-webhook");

  @SuppressWarnings("unchecked")
  static Map<String, Object> yaml(Path file) throws IOException {
    try (Reader in = Files.newBufferedReader(file)) {
      return (Map<String, Object>) new Yaml(new LoaderOptions()).load(in);
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Map<String, Object>> services() throws IOException {
    return (Map<String, Map<String, Object>>)
        yaml(ROOT.resolve("docker-compose.yml")).get("services");
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Map<String, Object> parent, String key) {
    Object value = parent.get(key);
    return value instanceof Map ? (Map<String, Object>) value : Map.of();
  }

  private static String target(Map<String, Object> service) {
    return (String) map(service, "build").get("target");
  }

  @Test
  void every_image_is_pinned_to_a_version_tag() throws IOException {
    services()
        .forEach(
            (name, service) -> {
              String image = (String) service.get("image");
              assertTrue(image != null, name + " has no image");
              String tag = image.substring(image.lastIndexOf('/') + 1);
              assertTrue(tag.contains(":"), name + ": " + image + " has no tag");
              assertFalse(tag.endsWith(":latest"), name + ": " + image + " is not pinned");
            });
  }

  @Test
  void kafka_keeps_its_log_on_the_mounted_volume() throws IOException {
    Map<String, Object> kafka = services().get("kafka");
    String logDirs = (String) map(kafka, "environment").get("KAFKA_LOG_DIRS");
    List<?> volumes = (List<?>) kafka.get("volumes");
    assertTrue(
        volumes.stream()
            .map(String::valueOf)
            .anyMatch(v -> v.startsWith("kafka-data:") && v.endsWith(":" + logDirs)),
        "KAFKA_LOG_DIRS " + logDirs + " is not the kafka-data volume: " + volumes);
  }

  @Test
  void every_long_running_service_restarts_and_has_a_health_check() throws IOException {
    String dockerfile = Files.readString(ROOT.resolve("deploy/docker/Dockerfile"));
    services()
        .forEach(
            (name, service) -> {
              if (name.equals("admin")) {
                assertEquals("no", service.get("restart"), "admin runs once");
                return;
              }
              assertTrue(
                  List.of("unless-stopped", "always").contains(service.get("restart")),
                  name + " has no restart policy");
              boolean inCompose = service.containsKey("healthcheck");
              boolean inImage =
                  target(service) != null
                      && ImageBuildTest.stage(dockerfile, target(service)).contains("HEALTHCHECK ");
              assertTrue(inCompose || inImage, name + " has no health check");
            });
  }

  @Test
  void the_stop_grace_period_outlasts_the_services_stop_timeout() throws IOException {
    for (String name : OTP_SERVICES) {
      Map<String, Object> service = services().get(name);
      String timeout = (String) map(service, "environment").get("OTP_STOP_TIMEOUT_MS");
      String grace = (String) service.get("stop_grace_period");
      assertTrue(timeout != null && grace != null, name + " has no stop timeout or grace period");
      assertTrue(grace.matches("\\d+s"), name + ": grace period " + grace + " not in seconds");
      long graceMs = Long.parseLong(grace.replace("s", "")) * 1000;
      assertTrue(
          graceMs > Long.parseLong(timeout),
          name + ": SIGKILL after " + grace + " cuts the " + timeout + " ms stop timeout short");
    }
  }

  @Test
  void admin_init_runs_once_before_every_otpstream_service() throws IOException {
    Map<String, Map<String, Object>> services = services();
    assertEquals(List.of("admin", "init"), services.get("admin").get("command"));
    for (String name : OTP_SERVICES) {
      assertEquals(
          "service_completed_successfully",
          map(map(services.get(name), "depends_on"), "admin").get("condition"),
          name + " does not wait for admin init");
    }
  }

  @Test
  void two_api_and_two_processor_instances_run_side_by_side() throws IOException {
    Map<String, Map<String, Object>> services = services();
    assertNotEquals(
        map(services.get("api-1"), "environment").get("OTP_REPLY_PARTITION"),
        map(services.get("api-2"), "environment").get("OTP_REPLY_PARTITION"),
        "each api instance needs its own reply partition");
    assertNotEquals(
        services.get("api-1").get("ports"),
        services.get("api-2").get("ports"),
        "the api instances publish different ports");
    assertEquals("processor", target(services.get("processor-1")));
    assertEquals("processor", target(services.get("processor-2")));
    assertNotEquals(
        services.get("processor-1").get("volumes"),
        services.get("processor-2").get("volumes"),
        "each processor keeps its own state volume");
  }

  @Test
  void prometheus_scrapes_every_otpstream_service_on_its_port() throws IOException {
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> jobs =
        (List<Map<String, Object>>)
            yaml(ROOT.resolve("deploy/prometheus/prometheus.yml")).get("scrape_configs");
    Set<String> targets = new HashSet<>();
    for (Map<String, Object> job : jobs) {
      assertEquals("/metrics", job.get("metrics_path"), job.get("job_name") + " path");
      for (Object config : (List<?>) job.get("static_configs")) {
        @SuppressWarnings("unchecked")
        List<String> t = (List<String>) ((Map<String, Object>) config).get("targets");
        targets.addAll(t);
      }
    }
    for (String name : OTP_SERVICES) {
      String port = name.startsWith("api") ? "8080" : "8081";
      assertTrue(targets.contains(name + ":" + port), name + ":" + port + " not scraped");
    }
  }
}
