package io.otpstream.launcher;

import io.otpstream.api.ApiServer;
import io.otpstream.api.address.ClientAddresses;
import io.otpstream.api.health.HealthChecks;
import io.otpstream.common.kafka.KafkaSettings;
import io.otpstream.common.metrics.ServiceMetrics;
import io.otpstream.common.secret.Secrets;
import io.otpstream.dispatcher.delivery.ChannelDispatcher;
import io.otpstream.dispatcher.delivery.DeliveryTuning;
import io.otpstream.dispatcher.email.EmailDispatcher;
import io.otpstream.dispatcher.email.EmailProviders;
import io.otpstream.dispatcher.provider.DeliveryProvider;
import io.otpstream.dispatcher.sms.SmsDispatcher;
import io.otpstream.dispatcher.sms.SmsProviders;
import io.otpstream.launcher.ops.GracefulStop;
import io.otpstream.launcher.ops.OpsServer;
import io.otpstream.processor.ProcessorService;
import io.otpstream.schemas.topics.TopicBootstrap;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
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

  private static GracefulStop.Timing stopTiming() {
    return GracefulStop.Timing.fromEnv(env());
  }

  /**
   * The health and metrics server of a service without an HTTP API of its own (see {@link
   * OpsServer}).
   */
  private static OpsServer ops(HealthChecks live, HealthChecks ready, ServiceMetrics metrics) {
    return OpsServer.start(intEnv("OTP_HEALTH_PORT", 8081), live, ready, metrics);
  }

  @Command(
      name = "api",
      description =
          "Run the HTTP api (env: KAFKA_BOOTSTRAP_SERVERS, OTP_SECRET, OTP_HTTP_PORT, OTP_REPLY_PARTITION).")
  static final class Api implements Callable<Integer> {
    @Override
    public Integer call() throws Exception {
      KafkaSettings kafka = kafka();
      GracefulStop.Timing stop = stopTiming();
      try (Admin admin = Admin.create(kafka.clientProperties())) {
        TopicBootstrap.ensure(admin, kafka.topics(), kafka.replicationFactor());
      }
      ServiceMetrics metrics = new ServiceMetrics("api");
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
                  HealthChecks.none(),
                  HealthChecks.none(),
                  metrics)
              .start();
      return GracefulStop.runUntilStopped(
          stop.stopTimeout(), GracefulStop.drain(api, stop.drain()), api, metrics);
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
      GracefulStop.Timing stop = stopTiming();
      try (Admin admin = Admin.create(kafka.clientProperties())) {
        TopicBootstrap.ensure(admin, kafka.topics(), kafka.replicationFactor());
      }
      ServiceMetrics metrics = new ServiceMetrics("processor");
      ProcessorService p =
          new ProcessorService(
              ProcessorService.Config.of(
                  kafka,
                  env().getOrDefault("OTP_APPLICATION_ID", "otp-processor"),
                  Path.of(env().getOrDefault("OTP_STATE_DIR", "/var/lib/otpstream/streams"))),
              secrets(),
              metrics.registry());
      p.start();
      OpsServer ops =
          ops(
              HealthChecks.of("streams", p::live),
              HealthChecks.of("streams_running", p::ready),
              metrics);
      return GracefulStop.runUntilStopped(stop.stopTimeout(), p, ops, metrics);
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
      GracefulStop.Timing stop = stopTiming();
      DeliveryProvider provider = SmsProviders.fromEnv(env(), Clock.systemUTC());
      ServiceMetrics metrics = new ServiceMetrics("dispatcher-sms");
      return serve(
          new SmsDispatcher(
              kafka(),
              secrets(),
              provider,
              Clock.systemUTC(),
              DeliveryTuning.fromEnv(env(), "OTP_SMS_"),
              metrics.registry()),
          metrics,
          stop);
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
      GracefulStop.Timing stop = stopTiming();
      DeliveryProvider provider = EmailProviders.fromEnv(env(), Clock.systemUTC());
      ServiceMetrics metrics = new ServiceMetrics("dispatcher-email");
      return serve(
          new EmailDispatcher(
              kafka(),
              secrets(),
              provider,
              Clock.systemUTC(),
              DeliveryTuning.fromEnv(env(), "OTP_EMAIL_"),
              metrics.registry()),
          metrics,
          stop);
    }
  }

  /**
   * Starts a dispatcher with its health and metrics server and runs it until the process is
   * stopped.
   */
  private static Integer serve(
      ChannelDispatcher d, ServiceMetrics metrics, GracefulStop.Timing stop)
      throws InterruptedException {
    d.start();
    OpsServer ops =
        ops(
            HealthChecks.of("worker", d::alive),
            HealthChecks.of("consumer_joined", d::ready),
            metrics);
    return GracefulStop.runUntilStopped(stop.stopTimeout(), d, ops, metrics);
  }
}
