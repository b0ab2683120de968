package io.otpstream.dev.local;

import io.otpstream.api.apps.AppCatalog;
import io.otpstream.common.files.OwnerOnly;
import io.otpstream.common.kafka.KafkaSettings;
import io.otpstream.common.outbox.Outbox;
import io.otpstream.common.secret.Secrets;
import io.otpstream.dev.broker.EmbeddedKafka;
import io.otpstream.dispatcher.provider.OutboxProvider;
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
 * keeps sessions, messages and keys. The data folder holds the master secret, the keys and the
 * delivered codes, so only its owner may enter it.
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

  /** The running dev installation: stop it with {@link #close()}. */
  public static final class Running implements AutoCloseable {
    private final EmbeddedKafka kafka;
    private final Pipeline pipeline;
    private final DevCredentials credentials;
    private final long startMillis;

    Running(EmbeddedKafka kafka, Pipeline pipeline, DevCredentials credentials, long startMillis) {
      this.kafka = kafka;
      this.pipeline = pipeline;
      this.credentials = credentials;
      this.startMillis = startMillis;
    }

    public DevCredentials credentials() {
      return credentials;
    }

    public String bootstrapServers() {
      return kafka.bootstrapServers();
    }

    @Override
    public void close() {
      pipeline.close();
      kafka.close();
    }
  }

  /** Starts everything and returns once the processor is RUNNING. */
  public Running start() throws Exception {
    long t0 = System.nanoTime();
    OwnerOnly.folder(dataDir);
    Secrets secrets = DevSecret.load(dataDir, System.getenv("OTP_SECRET"));
    EmbeddedKafka kafka =
        new EmbeddedKafka(dataDir.resolve("kafka"), kafkaPort, kafkaPort + 1).start();
    try {
      KafkaSettings settings = KafkaSettings.of(kafka.bootstrapServers());
      try (Admin admin = Admin.create(settings.clientProperties("topics"))) {
        TopicBootstrap.ensure(admin, settings.topics(), settings.replicationFactor());
      }
      DevCredentials creds;
      try (AppCatalog catalog = new AppCatalog(settings)) {
        creds =
            DevCredentials.ensure(
                dataDir.resolve("dev-credentials.json"), catalog, "http://localhost:" + httpPort);
      }
      Outbox outbox = new Outbox(dataDir.resolve("outbox.jsonl"));
      Pipeline pipeline =
          Pipeline.start(
              new Pipeline.Options(
                  settings,
                  secrets,
                  dataDir.resolve("streams"),
                  "otp-processor",
                  "127.0.0.1",
                  httpPort,
                  0,
                  Duration.ofSeconds(5),
                  false,
                  new OutboxProvider(outbox, "sms", Clock.systemUTC()),
                  new OutboxProvider(outbox, "email", Clock.systemUTC()),
                  List.of(r -> OutboxRoutes.register(r, outbox)),
                  true)); // webhooks to a receiver on this machine, as OTP_WEBHOOK_ALLOW_PRIVATE
      try {
        pipeline.awaitReady(Duration.ofMinutes(2));
      } catch (RuntimeException | InterruptedException e) {
        pipeline.close();
        throw e;
      }
      return new Running(kafka, pipeline, creds, (System.nanoTime() - t0) / 1_000_000);
    } catch (Exception e) {
      kafka.close();
      throw e;
    }
  }

  /** {@code otpstream dev}: starts, prints the keys and URLs, and runs until Ctrl-C. */
  public void run() throws Exception {
    Running running = start();
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  System.out.println("\notpstream: stopping...");
                  running.close();
                  stopped.countDown();
                },
                "otp-dev-shutdown"));
    System.out.println(
        banner(running.credentials(), running.bootstrapServers(), running.startMillis));
    stopped.await();
  }

  private String banner(DevCredentials c, String bootstrap, long startMs) {
    return """

        otpstream is running (started in %d ms). Data: %s

          API            %s
          Outbox         %s/dev/outbox   (JSON: /dev/outbox.json)
          Health         %s/health/ready
          Metrics        %s/metrics
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
        """
        .formatted(
            startMs,
            dataDir,
            c.apiUrl(),
            c.apiUrl(),
            c.apiUrl(),
            c.apiUrl(),
            bootstrap,
            c.appId(),
            c.liveKey(),
            c.testKey(),
            c.managementKey(),
            dataDir.resolve("dev-credentials.json"),
            c.apiUrl(),
            c.liveKey());
  }
}
