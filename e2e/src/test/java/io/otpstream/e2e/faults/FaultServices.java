package io.otpstream.e2e.faults;

import static org.awaitility.Awaitility.await;

import io.otpstream.api.ApiServer;
import io.otpstream.api.apps.AppCatalog;
import io.otpstream.common.kafka.KafkaSettings;
import io.otpstream.common.secret.Secrets;
import io.otpstream.common.settings.DefaultSettings;
import io.otpstream.dispatcher.sms.SmsDispatcher;
import io.otpstream.e2e.faults.Invariants.Rules;
import io.otpstream.e2e.support.Http;
import io.otpstream.e2e.support.LauncherProcess;
import io.otpstream.e2e.support.TopicReader;
import io.otpstream.processor.ProcessorService;
import io.otpstream.schemas.apps.AppSettings;
import io.otpstream.schemas.apps.KeyMode;
import io.otpstream.schemas.apps.Limit;
import io.otpstream.schemas.audit.AuditEvent;
import io.otpstream.schemas.serde.AvroSerde;
import io.otpstream.schemas.topics.TopicBootstrap;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.MemberDescription;
import org.awaitility.core.ConditionTimeoutException;

/**
 * The whole service on a {@link FaultCluster}, as it is deployed: two processors (one in this JVM,
 * one in a JVM of its own that the faults kill and pause), two api instances (one here, one in its
 * own JVM that a fault kills), one SMS dispatcher in its own JVM delivering to an {@link
 * SmsReceiver}. Each fault gets an app of its own, so its audit events and limits stand apart.
 */
final class FaultServices implements AutoCloseable {
  static final int SENDS_PER_SUBJECT = 3;
  static final int MAX_RESENDS_PER_SESSION = 3;
  static final int DISPATCHER_IN_FLIGHT = 4;

  final FaultCluster cluster;
  final SmsReceiver sms;
  private final KafkaSettings kafka;
  private final String secret;
  private final String applicationId = "otp-processor-faults";
  private final Path processorState;
  private final Map<String, String> liveKeys = new HashMap<>();
  private final ProcessorService local;
  private final ApiServer localApi;
  private final int remoteApiPort = LauncherProcess.freePort();
  private final int processorHealthPort = LauncherProcess.freePort();
  private final int dispatcherHealthPort = LauncherProcess.freePort();
  private LauncherProcess processor;
  private LauncherProcess api;
  private LauncherProcess dispatcher;

  FaultServices(FaultCluster cluster, List<String> apps) throws Exception {
    this.cluster = cluster;
    this.sms = new SmsReceiver();
    this.kafka =
        KafkaSettings.of(cluster.bootstrapServers())
            .withPrefix("faults.")
            .withReplicationFactor((short) 3);
    this.secret = Secrets.generate();
    try (Admin admin = Admin.create(kafka.clientProperties())) {
      TopicBootstrap.ensure(admin, kafka.topics(), (short) 3);
    }
    try (AppCatalog catalog = new AppCatalog(kafka)) {
      for (String app : apps) {
        catalog.putApp(app, app);
        liveKeys.put(app, catalog.createApiKey(app, KeyMode.LIVE));
        catalog.putSettings(
            AppSettings.newBuilder(DefaultSettings.of(app))
                .setVersion(1)
                .setUpdatedAt(Instant.now())
                .setResendCooldownSeconds(0)
                .setMaxResendsPerSession(MAX_RESENDS_PER_SESSION)
                .setSendsPerSubject(new Limit(SENDS_PER_SUBJECT, 3600))
                .setSendsPerIp(new Limit(10_000, 3600))
                // the load sends to consecutive numbers: sends_per_number_block out of its way
                .setSendsPerNumberBlock(new Limit(10_000, 3600))
                .setResendsPerIp(new Limit(10_000, 3600))
                .setQuota(1_000_000L)
                .build());
      }
    }
    this.processorState = Files.createTempDirectory("otp-faults-processor");
    this.local =
        new ProcessorService(
            ProcessorService.Config.of(
                kafka, applicationId, Files.createTempDirectory("otp-faults-local")),
            Secrets.fromBase64(secret));
    local.start();
    this.localApi =
        new ApiServer(
                new ApiServer.Config(
                    kafka, "127.0.0.1", 0, 0, Duration.ofSeconds(5), false, List.of()),
                Secrets.fromBase64(secret),
                () -> true)
            .start();
    startProcessor();
    startApi();
    startDispatcher();
    awaitReady();
  }

  String liveKey(String app) {
    return liveKeys.get(app);
  }

  List<String> apiUrls() {
    return List.of("http://127.0.0.1:" + localApi.port(), "http://127.0.0.1:" + remoteApiPort);
  }

  private Map<String, String> env() {
    Map<String, String> env = new HashMap<>();
    env.put("KAFKA_BOOTSTRAP_SERVERS", cluster.bootstrapServers());
    env.put("OTP_TOPIC_PREFIX", kafka.topicPrefix());
    env.put("OTP_SECRET", secret);
    env.put("OTP_LOG_FORMAT", "text");
    return env;
  }

  void startProcessor() {
    Map<String, String> env = env();
    env.put("OTP_APPLICATION_ID", applicationId);
    env.put("OTP_STATE_DIR", processorState.toString());
    env.put("OTP_HEALTH_PORT", Integer.toString(processorHealthPort));
    processor = LauncherProcess.start(env, "processor");
  }

  void startApi() {
    Map<String, String> env = env();
    env.put("OTP_HTTP_HOST", "127.0.0.1");
    env.put("OTP_HTTP_PORT", Integer.toString(remoteApiPort));
    env.put("OTP_REPLY_PARTITION", "1");
    api = LauncherProcess.start(env, "api");
  }

  void startDispatcher() {
    Map<String, String> env = env();
    env.put("OTP_HEALTH_PORT", Integer.toString(dispatcherHealthPort));
    env.put("OTP_SMS_PROVIDER", "http");
    env.put("OTP_SMS_HTTP_URL", sms.url());
    env.put("OTP_SMS_HTTP_BODY_TEMPLATE", SmsReceiver.BODY_TEMPLATE);
    env.put("OTP_SMS_MAX_IN_FLIGHT", Integer.toString(DISPATCHER_IN_FLIGHT));
    env.put("OTP_SMS_RATE_PER_SECOND", "1000");
    dispatcher = LauncherProcess.start(env, "dispatcher-sms");
  }

  LauncherProcess processor() {
    return processor;
  }

  LauncherProcess api() {
    return api;
  }

  LauncherProcess dispatcher() {
    return dispatcher;
  }

  /** SIGSTOP or SIGCONT to {@code process}: a pause the process cannot see coming. */
  static void signal(LauncherProcess process, String signal)
      throws IOException, InterruptedException {
    Process kill =
        new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).inheritIO().start();
    if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
      throw new IllegalStateException("kill -" + signal + " " + process.pid() + " failed");
    }
  }

  /**
   * Waits until every service is ready: both processors RUNNING in a group of two that each own
   * tasks, the dispatcher in its group, the other api serving.
   */
  void awaitReady() {
    try (Admin admin = Admin.create(kafka.clientProperties())) {
      await()
          .atMost(Duration.ofSeconds(180))
          .pollInterval(Duration.ofMillis(500))
          .ignoreExceptions()
          .until(
              () -> {
                List<MemberDescription> members = members(admin, applicationId);
                return local.ready()
                    && ready("http://127.0.0.1:" + processorHealthPort)
                    && members.size() == 2
                    && members.stream().noneMatch(m -> m.assignment().topicPartitions().isEmpty())
                    && ready("http://127.0.0.1:" + dispatcherHealthPort)
                    && members(admin, kafka.topicPrefix() + SmsDispatcher.GROUP_ID).size() == 1
                    && new Http(apiUrls().get(1)).get("/health/live").status() == 200;
              });
    }
  }

  private static boolean ready(String url) {
    return new Http(url).get("/health/ready").status() == 200;
  }

  /** Waits until a send of {@code app} succeeds through every api instance (the first is slow). */
  void warmUp(String app) {
    AtomicInteger attempt = new AtomicInteger();
    for (String url : apiUrls()) {
      Http http = new Http(url);
      await()
          .atMost(Duration.ofSeconds(180))
          .pollInterval(Duration.ofMillis(500))
          .ignoreExceptions()
          .until(
              () ->
                  http.post(
                              "/api/v1/otp/send",
                              Map.of("X-API-Key", liveKey(app)),
                              "{\"channels\":[\"sms\"],\"recipients\":{\"sms\":\"+1415555"
                                  + (1000 + attempt.incrementAndGet())
                                  + "\"}}")
                          .status()
                      == 200);
    }
  }

  private static List<MemberDescription> members(Admin admin, String group) throws Exception {
    return List.copyOf(
        admin
            .describeConsumerGroups(List.of(group))
            .all()
            .get(10, TimeUnit.SECONDS)
            .get(group)
            .members());
  }

  /** The audit log's decisions about {@code app}'s sessions, as committed now. */
  List<Decision> audit(String app) {
    AvroSerde<AuditEvent> serde = AvroSerde.of(AuditEvent.class);
    return TopicReader.readAll(cluster.bootstrapServers(), kafka.topics().events.name()).stream()
        .map(r -> serde.decode(r.value()))
        .filter(e -> app.equals(e.getAppId()))
        .map(Decision::of)
        .toList();
  }

  /**
   * Checks the invariants once the audit log and the SMS provider have caught up (every 2xx send
   * decided, every decided send delivered), or after 90 s, when what is still missing is a
   * violation.
   */
  Report settled(String app, List<Exchange> exchanges, Rules rules) {
    Report[] last = new Report[1];
    try {
      await()
          .atMost(Duration.ofSeconds(90))
          .pollInterval(Duration.ofMillis(500))
          .until(
              () -> {
                last[0] = Invariants.check(exchanges, audit(app), sms.received(), rules);
                return last[0].pending() == 0;
              });
    } catch (ConditionTimeoutException e) {
      // reported below with what is still broken
    }
    return last[0] == null
        ? Invariants.check(exchanges, audit(app), sms.received(), rules)
        : last[0];
  }

  @Override
  public void close() throws Exception {
    for (LauncherProcess p : new LauncherProcess[] {api, dispatcher, processor}) {
      if (p != null) {
        p.kill();
      }
    }
    localApi.close();
    local.close();
    sms.close();
  }
}
