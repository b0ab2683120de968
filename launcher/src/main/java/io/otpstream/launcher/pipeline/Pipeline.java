package io.otpstream.launcher.pipeline;

import io.javalin.config.RoutesConfig;
import io.otpstream.api.ApiServer;
import io.otpstream.api.address.ClientAddresses;
import io.otpstream.api.health.HealthChecks;
import io.otpstream.common.kafka.KafkaSettings;
import io.otpstream.common.metrics.ServiceMetrics;
import io.otpstream.common.secret.Secrets;
import io.otpstream.dispatcher.delivery.ChannelDispatcher;
import io.otpstream.dispatcher.delivery.DeliveryTuning;
import io.otpstream.dispatcher.email.EmailDispatcher;
import io.otpstream.dispatcher.provider.DeliveryProvider;
import io.otpstream.dispatcher.sms.SmsDispatcher;
import io.otpstream.dispatcher.webhook.WebhookDispatcher;
import io.otpstream.processor.ProcessorService;
import io.otpstream.schemas.topics.TopicBootstrap;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.apache.kafka.clients.admin.Admin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every otpstream service in one process against one cluster: the topics, the processor, the SMS,
 * email and webhook dispatchers and the api. The local dev mode runs it on the embedded broker;
 * end-to-end tests run it on the in-JVM test cluster. In production each service runs as its own
 * process instead.
 *
 * <p>One meter registry for all of them, served at the api's {@code /metrics} (tag {@code
 * service="dev"}); the api's health covers the whole pipeline: live while the Streams client and
 * every dispatcher's worker run, ready when the processor is RUNNING too.
 */
public final class Pipeline implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Pipeline.class);

  /** What the pipeline runs with. */
  public record Options(
      KafkaSettings kafka,
      Secrets secrets,
      Path stateDir,
      String applicationId,
      String httpHost,
      int httpPort,
      int replyPartition,
      Duration decisionTimeout,
      boolean trustForwardedFor,
      DeliveryProvider smsProvider,
      DeliveryProvider emailProvider,
      List<Consumer<RoutesConfig>> extraRoutes,
      boolean webhooksToPrivateAddresses) {
    /** Webhooks to public addresses only. */
    public Options(
        KafkaSettings kafka,
        Secrets secrets,
        Path stateDir,
        String applicationId,
        String httpHost,
        int httpPort,
        int replyPartition,
        Duration decisionTimeout,
        boolean trustForwardedFor,
        DeliveryProvider smsProvider,
        DeliveryProvider emailProvider,
        List<Consumer<RoutesConfig>> extraRoutes) {
      this(
          kafka,
          secrets,
          stateDir,
          applicationId,
          httpHost,
          httpPort,
          replyPartition,
          decisionTimeout,
          trustForwardedFor,
          smsProvider,
          emailProvider,
          extraRoutes,
          false);
    }
  }

  private final List<AutoCloseable> started = new ArrayList<>();
  private final ServiceMetrics metrics = new ServiceMetrics("dev");
  private HealthChecks live = HealthChecks.none();
  private ProcessorService processor;
  private ApiServer api;

  /**
   * In one process the retries come quicker than the production default (the dev mode and tests).
   */
  private static final DeliveryTuning SMS_TUNING =
      new DeliveryTuning(Duration.ofMillis(500), 5, 8, 50);

  private Pipeline() {}

  public static Pipeline start(Options o) {
    Pipeline p = new Pipeline();
    p.track(p.metrics);
    try {
      try (Admin admin = Admin.create(o.kafka().clientProperties("topics"))) {
        TopicBootstrap.ensure(admin, o.kafka().topics(), o.kafka().replicationFactor());
      }
      p.processor =
          p.track(
              new ProcessorService(
                  ProcessorService.Config.of(o.kafka(), o.applicationId(), o.stateDir()),
                  o.secrets(),
                  p.metrics.registry()));
      p.processor.start();
      p.live = p.live.and("processor", p.processor::live);
      if (o.smsProvider()
          != null) { // null: the SMS dispatchers run elsewhere (their own processes)
        p.dispatcher(
            "dispatcher_sms",
            new SmsDispatcher(
                o.kafka(),
                o.secrets(),
                o.smsProvider(),
                Clock.systemUTC(),
                SMS_TUNING,
                p.metrics.registry()));
      }
      if (o.emailProvider() != null) {
        p.dispatcher(
            "dispatcher_email",
            new EmailDispatcher(
                o.kafka(),
                o.secrets(),
                o.emailProvider(),
                Clock.systemUTC(),
                DeliveryTuning.defaults(),
                p.metrics.registry()));
      }
      WebhookDispatcher webhooks =
          p.track(
              new WebhookDispatcher(
                  o.kafka(),
                  o.secrets(),
                  Clock.systemUTC(),
                  SMS_TUNING,
                  o.webhooksToPrivateAddresses(),
                  p.metrics.registry()));
      webhooks.start();
      p.live = p.live.and("dispatcher_webhook", webhooks::alive);
      p.api =
          p.track(
              new ApiServer(
                  new ApiServer.Config(
                      o.kafka(),
                      o.httpHost(),
                      o.httpPort(),
                      o.replyPartition(),
                      o.decisionTimeout(),
                      o.trustForwardedFor(),
                      ClientAddresses.DEFAULT_IPV6_PREFIX,
                      o.extraRoutes(),
                      o.webhooksToPrivateAddresses()),
                  o.secrets(),
                  p.live,
                  HealthChecks.of("processor_running", p.processor::ready),
                  p.metrics));
      p.api.start();
      return p;
    } catch (RuntimeException e) {
      p.close();
      throw e;
    }
  }

  private void dispatcher(String name, ChannelDispatcher d) {
    track(d).start();
    live = live.and(name, d::alive);
  }

  private <T extends AutoCloseable> T track(T service) {
    started.add(service);
    return service;
  }

  public int httpPort() {
    return api.port();
  }

  public boolean processorReady() {
    return processor.ready();
  }

  /** Waits until the processor's Streams state is RUNNING. */
  public void awaitReady(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!processor.ready()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "processor not RUNNING after " + timeout + " (state " + processor.state() + ")");
      }
      Thread.sleep(20);
    }
  }

  /** Stops in reverse order of start: api first, so nothing new comes in, processor last. */
  @Override
  public void close() {
    for (int i = started.size() - 1; i >= 0; i--) {
      long t0 = System.nanoTime();
      try {
        started.get(i).close();
      } catch (Exception e) {
        log.warn("error while stopping {}", started.get(i), e);
      }
      log.info(
          "stopped {} in {} ms",
          started.get(i).getClass().getSimpleName(),
          (System.nanoTime() - t0) / 1_000_000);
    }
    started.clear();
  }
}
