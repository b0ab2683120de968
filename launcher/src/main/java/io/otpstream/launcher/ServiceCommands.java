package io.otpstream.launcher;

import io.javalin.Javalin;
import io.otpstream.api.ApiServer;
import io.otpstream.api.address.ClientAddresses;
import io.otpstream.api.health.HealthRoutes;
import io.otpstream.common.kafka.KafkaSettings;
import io.otpstream.common.secret.Secrets;
import io.otpstream.dispatcher.delivery.ChannelDispatcher;
import io.otpstream.dispatcher.delivery.DeliveryTuning;
import io.otpstream.dispatcher.email.EmailDispatcher;
import io.otpstream.dispatcher.email.EmailProviders;
import io.otpstream.dispatcher.provider.DeliveryProvider;
import io.otpstream.dispatcher.sms.SmsDispatcher;
import io.otpstream.dispatcher.sms.SmsProviders;
import io.otpstream.launcher.topics.TopicSetup;
import io.otpstream.processor.ProcessorService;
import io.otpstream.schemas.topics.Replication;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;

/**
 * One service per process, configured by environment variables (see README): what {@code
 * docker-compose.yml} and a production deployment run.
 */
final class ServiceCommands {
  private ServiceCommands() {}

  private static Map<String, String> env() {
    return System.getenv();
  }

  private static KafkaSettings kafka() {
    return KafkaSettings.fromEnv(env());
  }

  private static Secrets secrets() {
    String s = env().get("OTP_SECRET");
    if (s == null || s.isBlank()) {
      throw new IllegalArgumentException(
          "OTP_SECRET is required: the same base64 secret (32+ bytes) for every service");
    }
    return Secrets.fromBase64(s);
  }

  private static int intEnv(String name, int dflt) {
    return Integer.parseInt(env().getOrDefault(name, Integer.toString(dflt)));
  }

  /** Runs until the process is asked to stop, then closes {@code service}. */
  private static Integer runUntilStopped(AutoCloseable... services) throws InterruptedException {
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  for (AutoCloseable s : services) {
                    try {
                      s.close();
                    } catch (Exception e) {
                      // stopping anyway
                    }
                  }
                  stopped.countDown();
                }));
    stopped.await();
    return 0;
  }

  /** A small health server for services without an HTTP API of their own. */
  private static Javalin health(java.util.function.BooleanSupplier ready) {
    return Javalin.create(
            cfg -> {
              cfg.startup.showJavalinBanner = false;
              cfg.jetty.port = intEnv("OTP_HEALTH_PORT", 8081);
              HealthRoutes.register(cfg.routes, ready);
            })
        .start();
  }

  @Command(
      name = "api",
      description =
          "Run the HTTP api (env: KAFKA_BOOTSTRAP_SERVERS, OTP_SECRET, OTP_HTTP_PORT, OTP_REPLY_PARTITION).")
  static final class Api implements Callable<Integer> {
    @Override
    public Integer call() throws Exception {
      KafkaSettings kafka = kafka();
      TopicSetup.fromEnv(env()).ensure(kafka);
      ApiServer api =
          new ApiServer(
                  new ApiServer.Config(
                      kafka,
                      env().get("OTP_HTTP_HOST"),
                      intEnv("OTP_HTTP_PORT", 8080),
                      intEnv("OTP_REPLY_PARTITION", 0),
                      Duration.ofMillis(intEnv("OTP_DECISION_TIMEOUT_MS", 5000)),
                      Boolean.parseBoolean(env().getOrDefault("OTP_TRUST_FORWARDED_FOR", "false")),
                      intEnv("OTP_IPV6_PREFIX_LENGTH", ClientAddresses.DEFAULT_IPV6_PREFIX),
                      List.of()),
                  secrets(),
                  () -> true)
              .start();
      return runUntilStopped(api);
    }
  }

  @Command(
      name = "processor",
      description =
          "Run the stream processor (env: KAFKA_BOOTSTRAP_SERVERS, OTP_SECRET, OTP_STATE_DIR).")
  static final class Processor implements Callable<Integer> {
    @Override
    public Integer call() throws Exception {
      KafkaSettings kafka = kafka();
      Replication replication = TopicSetup.fromEnv(env()).ensure(kafka);
      ProcessorService p =
          new ProcessorService(
              ProcessorService.Config.of(
                      kafka.withReplicationFactor(replication.factor()),
                      env().getOrDefault("OTP_APPLICATION_ID", "otp-processor"),
                      Path.of(env().getOrDefault("OTP_STATE_DIR", "/var/lib/otpstream/streams")))
                  .withMinInsyncReplicas(replication.minInsyncReplicas()),
              secrets());
      p.start();
      Javalin health = health(p::ready);
      return runUntilStopped(health::stop, p);
    }
  }

  @Command(
      name = "dispatcher-sms",
      description =
          "Run an SMS dispatcher (env: KAFKA_BOOTSTRAP_SERVERS, OTP_SECRET, "
              + "OTP_SMS_PROVIDER=smpp|http|outbox, OTP_SMS_FALLBACK, OTP_SMS_CIRCUIT_*, OTP_SMPP_*, OTP_SMS_HTTP_*, OTP_SMS_RATE_PER_SECOND, "
              + "OTP_SMS_MAX_IN_FLIGHT).")
  static final class SmsDispatcherCommand implements Callable<Integer> {
    @Override
    public Integer call() throws Exception {
      TopicSetup.fromEnv(env()).ensure(kafka());
      DeliveryProvider provider = SmsProviders.fromEnv(env(), Clock.systemUTC());
      return serve(
          new SmsDispatcher(
              kafka(),
              secrets(),
              provider,
              Clock.systemUTC(),
              DeliveryTuning.fromEnv(env(), "OTP_SMS_")));
    }
  }

  @Command(
      name = "dispatcher-email",
      description =
          "Run an email dispatcher (env: KAFKA_BOOTSTRAP_SERVERS, OTP_SECRET, SMTP_*, "
              + "OTP_EMAIL_FALLBACK=smtp|outbox, SMTP_FALLBACK_*, OTP_EMAIL_CIRCUIT_*, OTP_EMAIL_RATE_PER_SECOND, OTP_EMAIL_MAX_IN_FLIGHT).")
  static final class EmailDispatcherCommand implements Callable<Integer> {
    @Override
    public Integer call() throws Exception {
      TopicSetup.fromEnv(env()).ensure(kafka());
      DeliveryProvider provider = EmailProviders.fromEnv(env(), Clock.systemUTC());
      return serve(
          new EmailDispatcher(
              kafka(),
              secrets(),
              provider,
              Clock.systemUTC(),
              DeliveryTuning.fromEnv(env(), "OTP_EMAIL_")));
    }
  }

  /** Starts a dispatcher with its health endpoint and runs it until the process is stopped. */
  private static Integer serve(ChannelDispatcher d) throws InterruptedException {
    d.start();
    Javalin health = health(d::alive);
    return runUntilStopped(health::stop, d);
  }
}
