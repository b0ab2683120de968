package io.otpstream.e2e.support;

import io.otpstream.api.apps.AppCatalog;
import io.otpstream.common.kafka.KafkaSettings;
import io.otpstream.common.outbox.Outbox;
import io.otpstream.common.secret.Secrets;
import io.otpstream.common.settings.DefaultSettings;
import io.otpstream.dispatcher.provider.DeliveryProvider;
import io.otpstream.dispatcher.provider.OutboxProvider;
import io.otpstream.launcher.pipeline.Pipeline;
import io.otpstream.schemas.apps.AppSettings;
import io.otpstream.schemas.apps.KeyMode;
import io.otpstream.schemas.topics.TopicBootstrap;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.function.UnaryOperator;
import org.apache.kafka.clients.admin.Admin;

/**
 * The whole otpstream pipeline on the shared cluster, on topics and an application id of its own,
 * with one app and its live and sandbox keys, and the api on a random port.
 */
public final class TestPipeline implements AutoCloseable {
  public final String appId;
  public final String liveKey;
  public final String testKey;
  public final String managementKey;
  public final KafkaSettings kafka;
  public final Secrets secrets;

  /** The master secret as {@code OTP_SECRET} takes it, for services started in other processes. */
  public final String secretBase64;

  public final String applicationId;
  private final Pipeline pipeline;
  private final Path stateDir;
  private final DeliveryProvider sms;
  private final DeliveryProvider email;
  private final boolean localWebhooks;

  private TestPipeline(
      String appId,
      String liveKey,
      String testKey,
      String managementKey,
      KafkaSettings kafka,
      String secretBase64,
      String applicationId,
      Pipeline pipeline,
      Path stateDir,
      DeliveryProvider sms,
      DeliveryProvider email,
      boolean localWebhooks) {
    this.appId = appId;
    this.liveKey = liveKey;
    this.testKey = testKey;
    this.managementKey = managementKey;
    this.kafka = kafka;
    this.secretBase64 = secretBase64;
    this.secrets = Secrets.fromBase64(secretBase64);
    this.applicationId = applicationId;
    this.pipeline = pipeline;
    this.stateDir = stateDir;
    this.sms = sms;
    this.email = email;
    this.localWebhooks = localWebhooks;
  }

  /** Both channels delivering to {@code outbox}; the default settings but no resend cooldown. */
  public static TestPipeline start(String name, Outbox outbox) throws Exception {
    return start(
        name,
        new OutboxProvider(outbox, "sms", Clock.systemUTC()),
        new OutboxProvider(outbox, "email", Clock.systemUTC()));
  }

  /**
   * Both channels delivering to {@code outbox}; {@code settings} as in {@link #start(String,
   * DeliveryProvider, DeliveryProvider, UnaryOperator)}.
   */
  public static TestPipeline start(String name, Outbox outbox, UnaryOperator<AppSettings> settings)
      throws Exception {
    return start(
        name,
        new OutboxProvider(outbox, "sms", Clock.systemUTC()),
        new OutboxProvider(outbox, "email", Clock.systemUTC()),
        settings);
  }

  /** An empty outbox in a folder of its own. */
  public static Outbox newOutbox() throws IOException {
    return new Outbox(Files.createTempDirectory("otp-outbox").resolve("outbox.jsonl"));
  }

  /** With the default settings but no resend cooldown, so flows can resend at once. */
  public static TestPipeline start(String name, DeliveryProvider sms, DeliveryProvider email)
      throws Exception {
    return start(
        name,
        sms,
        email,
        s -> AppSettings.newBuilder(s).setVersion(1).setResendCooldownSeconds(0).build());
  }

  /**
   * {@code settings} turns the defaults into the test app's settings (write a version above 0). A
   * null provider runs no dispatcher of that channel in this JVM.
   */
  public static TestPipeline start(
      String name,
      DeliveryProvider sms,
      DeliveryProvider email,
      UnaryOperator<AppSettings> settings)
      throws Exception {
    return start(name, KafkaSettings.of(SharedKafka.bootstrapServers()), sms, email, settings);
  }

  /**
   * As {@link #start(String, DeliveryProvider, DeliveryProvider, UnaryOperator)}, on the cluster
   * and with the client properties of {@code cluster} (another than the shared one).
   */
  public static TestPipeline start(
      String name,
      KafkaSettings cluster,
      DeliveryProvider sms,
      DeliveryProvider email,
      UnaryOperator<AppSettings> settings)
      throws Exception {
    return start(name, cluster, sms, email, settings, false);
  }

  /**
   * Both channels delivering to {@code outbox}, webhooks allowed to this machine's addresses (as in
   * dev mode), so a test's receiver on 127.0.0.1 gets them.
   */
  public static TestPipeline startWithLocalWebhooks(String name, Outbox outbox) throws Exception {
    return start(
        name,
        KafkaSettings.of(SharedKafka.bootstrapServers()),
        new OutboxProvider(outbox, "sms", Clock.systemUTC()),
        new OutboxProvider(outbox, "email", Clock.systemUTC()),
        s -> AppSettings.newBuilder(s).setVersion(1).setResendCooldownSeconds(0).build(),
        true);
  }

  /**
   * As {@link #start(String, KafkaSettings, DeliveryProvider, DeliveryProvider, UnaryOperator)};
   * {@code localWebhooks} lets webhooks go to this machine's addresses, as in dev mode.
   */
  public static TestPipeline start(
      String name,
      KafkaSettings cluster,
      DeliveryProvider sms,
      DeliveryProvider email,
      UnaryOperator<AppSettings> settings,
      boolean localWebhooks)
      throws Exception {
    String unique = name + "-" + UUID.randomUUID().toString().substring(0, 8);
    KafkaSettings kafka = cluster.withPrefix(unique + ".");
    String secretBase64 = Secrets.generate();
    Secrets secrets = Secrets.fromBase64(secretBase64);
    try (Admin admin = Admin.create(kafka.clientProperties())) {
      TopicBootstrap.ensure(admin, kafka.topics(), (short) 1);
    }
    String appId = "app-" + unique;
    String live;
    String test;
    String management;
    try (AppCatalog catalog = new AppCatalog(kafka)) {
      management = catalog.createManagementKey();
      catalog.putApp(appId, "Acme " + name);
      live = catalog.createApiKey(appId, KeyMode.LIVE);
      test = catalog.createApiKey(appId, KeyMode.TEST);
      catalog.putSettings(settings.apply(Apps.withoutNumberBlockLimit(DefaultSettings.of(appId))));
    }
    Path stateDir = Files.createTempDirectory("otp-e2e-" + unique);
    String applicationId = "otp-processor-" + unique;
    Installations.started(
        cluster.bootstrapServers(), kafka.topicPrefix(), secretBase64, applicationId);
    Pipeline pipeline = run(kafka, secrets, stateDir, applicationId, sms, email, localWebhooks);
    return new TestPipeline(
        appId,
        live,
        test,
        management,
        kafka,
        secretBase64,
        applicationId,
        pipeline,
        stateDir,
        sms,
        email,
        localWebhooks);
  }

  /**
   * Stops these services, keeping the topics, app, keys and state, and starts them again with
   * {@code kafka} (the same topics, e.g. in another value format); use the one returned.
   */
  public TestPipeline restartWith(KafkaSettings kafka) throws Exception {
    if (!kafka.topicPrefix().equals(this.kafka.topicPrefix())) {
      throw new IllegalArgumentException("a restart keeps the topics: same prefix");
    }
    pipeline.close();
    Pipeline again = run(kafka, secrets, stateDir, applicationId, sms, email, localWebhooks);
    return new TestPipeline(
        appId,
        liveKey,
        testKey,
        managementKey,
        kafka,
        secretBase64,
        applicationId,
        again,
        stateDir,
        sms,
        email,
        localWebhooks);
  }

  private static Pipeline run(
      KafkaSettings kafka,
      Secrets secrets,
      Path stateDir,
      String applicationId,
      DeliveryProvider sms,
      DeliveryProvider email,
      boolean localWebhooks)
      throws Exception {
    Pipeline pipeline =
        Pipeline.start(
            new Pipeline.Options(
                kafka,
                secrets,
                stateDir,
                applicationId,
                "127.0.0.1",
                0,
                0,
                Duration.ofSeconds(15),
                true,
                sms,
                email,
                List.of(),
                localWebhooks));
    pipeline.awaitReady(Duration.ofSeconds(60));
    return pipeline;
  }

  /**
   * Leaves this pipeline's recorded log out of the replay at the end of the suite ({@link
   * Installations}): {@code reason} says why (tampered with on purpose, or too long to replay).
   */
  public TestPipeline notReplayable(String reason) {
    Installations.notReplayable(kafka.topicPrefix(), reason);
    return this;
  }

  public String baseUrl() {
    return "http://localhost:" + pipeline.httpPort();
  }

  @Override
  public void close() {
    pipeline.close();
    try (var files = Files.walk(stateDir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
