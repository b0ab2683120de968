package io.otpstream.e2e.ops;

import io.otpstream.api.ApiServer;
import io.otpstream.api.apps.AppCatalog;
import io.otpstream.api.health.HealthChecks;
import io.otpstream.common.kafka.KafkaSettings;
import io.otpstream.common.metrics.ServiceMetrics;
import io.otpstream.common.secret.Secrets;
import io.otpstream.common.settings.DefaultSettings;
import io.otpstream.dispatcher.delivery.DeliveryTuning;
import io.otpstream.dispatcher.email.EmailDispatcher;
import io.otpstream.dispatcher.provider.DeliveryProvider;
import io.otpstream.e2e.support.Installations;
import io.otpstream.e2e.support.SharedKafka;
import io.otpstream.launcher.ops.OpsServer;
import io.otpstream.processor.ProcessorService;
import io.otpstream.schemas.apps.AppSettings;
import io.otpstream.schemas.apps.KeyMode;
import io.otpstream.schemas.topics.TopicBootstrap;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;

/**
 * The api, the processor and the email dispatcher wired as {@code otpstream api|processor|
 * dispatcher-email} wire them, each with a meter registry of its own, the processor and the
 * dispatcher with their health and metrics server ({@link OpsServer}); in this JVM, on topics of
 * their own on the shared cluster, so a test can reach into one (stop a thread, close a client).
 */
final class SeparateServices implements AutoCloseable {
  final String prefix;
  final String appId;
  final String liveKey;
  final KafkaSettings kafka;
  final ProcessorService processor;
  final OpsServer processorOps;
  final EmailDispatcher dispatcher;
  final OpsServer dispatcherOps;
  final ApiServer api;
  private final List<AutoCloseable> parts = new ArrayList<>();

  SeparateServices(String name, DeliveryProvider email) throws Exception {
    this.prefix = name + "-" + UUID.randomUUID().toString().substring(0, 8) + ".";
    this.kafka = KafkaSettings.of(SharedKafka.bootstrapServers()).withPrefix(prefix);
    String secret = Secrets.generate();
    Secrets secrets = Secrets.fromBase64(secret);
    try (Admin admin = Admin.create(kafka.clientProperties())) {
      TopicBootstrap.ensure(admin, kafka.topics(), (short) 1);
    }
    this.appId = "app-" + prefix.replace(".", "");
    try (AppCatalog catalog = new AppCatalog(kafka)) {
      catalog.createManagementKey();
      catalog.putApp(appId, "Acme " + name);
      this.liveKey = catalog.createApiKey(appId, KeyMode.LIVE);
      catalog.putSettings(
          AppSettings.newBuilder(DefaultSettings.of(appId))
              .setVersion(1)
              .setResendCooldownSeconds(0)
              .build());
    }
    try {
      ServiceMetrics processorMetrics = track(new ServiceMetrics("processor"));
      this.processor =
          track(
              new ProcessorService(
                  ProcessorService.Config.of(
                      kafka,
                      "otp-processor-" + prefix,
                      Files.createTempDirectory("otp-ops-" + prefix)),
                  secrets,
                  processorMetrics.registry()));
      Installations.started(kafka.bootstrapServers(), prefix, secret, "otp-processor-" + prefix);
      processor.start();
      this.processorOps =
          track(
              OpsServer.start(
                  0,
                  HealthChecks.of("streams", processor::live),
                  HealthChecks.of("streams_running", processor::ready),
                  processorMetrics));

      ServiceMetrics dispatcherMetrics = track(new ServiceMetrics("dispatcher-email"));
      this.dispatcher =
          track(
              new EmailDispatcher(
                  kafka,
                  secrets,
                  email,
                  Clock.systemUTC(),
                  DeliveryTuning.defaults(),
                  dispatcherMetrics.registry()));
      dispatcher.start();
      this.dispatcherOps =
          track(
              OpsServer.start(
                  0,
                  HealthChecks.of("worker", dispatcher::alive),
                  HealthChecks.of("consumer_joined", dispatcher::ready),
                  dispatcherMetrics));

      ServiceMetrics apiMetrics = track(new ServiceMetrics("api"));
      this.api =
          track(
              new ApiServer(
                  new ApiServer.Config(
                      kafka, "127.0.0.1", 0, 0, Duration.ofSeconds(15), true, List.of()),
                  secrets,
                  HealthChecks.none(),
                  HealthChecks.none(),
                  apiMetrics));
      api.start();
    } catch (Exception | Error e) {
      close();
      throw e;
    }
  }

  private <T extends AutoCloseable> T track(T part) {
    parts.add(part);
    return part;
  }

  String apiUrl() {
    return "http://localhost:" + api.port();
  }

  String processorUrl() {
    return "http://localhost:" + processorOps.port();
  }

  String dispatcherUrl() {
    return "http://localhost:" + dispatcherOps.port();
  }

  /** The thread of this instance whose name is {@code name}. */
  static Thread thread(String name) {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no thread " + name));
  }

  @Override
  public void close() {
    for (int i = parts.size() - 1; i >= 0; i--) {
      try {
        parts.get(i).close();
      } catch (Exception e) {
        // closing the rest anyway
      }
    }
    parts.clear();
  }
}
