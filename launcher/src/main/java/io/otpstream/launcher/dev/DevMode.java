package io.otpstream.launcher.dev;

import io.otpstream.api.apps.AppCatalog;
import io.otpstream.common.kafka.KafkaSettings;
import io.otpstream.common.outbox.Outbox;
import io.otpstream.common.secret.Secrets;
import io.otpstream.dispatcher.provider.OutboxProvider;
import io.otpstream.launcher.broker.EmbeddedKafka;
import io.otpstream.launcher.pipeline.Pipeline;
import io.otpstream.schemas.topics.TopicBootstrap;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.clients.admin.Admin;

/**
 * {@code otpstream dev}: the whole service in one process for local use. An embedded KRaft broker
 * with its data under the data folder, the topics, the processor, both dispatchers with outbox
 * providers, the api, and a demo app whose keys are printed. Ctrl-C stops it cleanly; a restart
 * keeps sessions, messages and keys.
 */
public final class DevMode {
  private final Path dataDir;
  private final int httpPort;
  private final int kafkaPort;

  public DevMode(Path dataDir, int httpPort, int kafkaPort) {
    this.dataDir = dataDir.toAbsolutePath().normalize();
    this.httpPort = httpPort;
    this.kafkaPort = kafkaPort;
  }

  public void run() throws Exception {
    long t0 = System.nanoTime();
    Secrets secrets = DevSecret.load(dataDir, System.getenv("OTP_SECRET"));
    EmbeddedKafka kafka = new EmbeddedKafka(dataDir.resolve("kafka"), kafkaPort, kafkaPort + 1).start();
    KafkaSettings settings = KafkaSettings.of(kafka.bootstrapServers());
    try (Admin admin = Admin.create(settings.clientProperties())) {
      TopicBootstrap.ensure(admin, settings.topics(), settings.replicationFactor());
    }
    String apiUrl = "http://localhost:" + httpPort;
    DevCredentials creds;
    try (AppCatalog catalog = new AppCatalog(settings)) {
      creds = DevCredentials.ensure(dataDir.resolve("dev-credentials.json"), catalog, apiUrl);
    }
    Outbox outbox = new Outbox(dataDir.resolve("outbox.jsonl"));
    Pipeline pipeline = Pipeline.start(new Pipeline.Options(settings, secrets, dataDir.resolve("streams"), "otp-processor",
        httpPort, 0, Duration.ofSeconds(5), new OutboxProvider(outbox, "sms", Clock.systemUTC()),
        new OutboxProvider(outbox, "email", Clock.systemUTC()), List.of(r -> OutboxRoutes.register(r, outbox))));
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      System.out.println("\notpstream: stopping...");
      pipeline.close();
      kafka.close();
      stopped.countDown();
    }, "otp-dev-shutdown"));
    pipeline.awaitReady(Duration.ofMinutes(2));
    System.out.println(banner(creds, kafka.bootstrapServers(), (System.nanoTime() - t0) / 1_000_000));
    stopped.await();
  }

  private String banner(DevCredentials c, String bootstrap, long startMs) {
    return """

        otpstream is running (started in %d ms). Data: %s

          API            %s
          Outbox         %s/dev/outbox   (JSON: /dev/outbox.json)
          Health         %s/health/ready
          Kafka          %s

          App id         %s
          Live key       %s
          Sandbox key    %s
          Management key %s
          (saved in %s)

        Try it:
          curl -s -X POST %s/api/v1/otp/send -H 'X-API-Key: %s' -H 'Content-Type: application/json' \\
            -d '{"channels":["email"],"recipients":{"email":"ada@example.com"}}'

        Ctrl-C stops.
        """.formatted(startMs, dataDir, c.apiUrl(), c.apiUrl(), c.apiUrl(), bootstrap, c.appId(), c.liveKey(), c.testKey(),
        c.managementKey(), dataDir.resolve("dev-credentials.json"), c.apiUrl(), c.liveKey());
  }
}
