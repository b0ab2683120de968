package io.otpstream.api;

import io.javalin.Javalin;
import io.javalin.config.RoutesConfig;
import io.javalin.json.JavalinJackson;
import io.otpstream.api.address.ClientAddresses;
import io.otpstream.api.address.ClientIp;
import io.otpstream.api.apps.AppCatalog;
import io.otpstream.api.apps.AppDirectory;
import io.otpstream.api.apps.SettingsWriter;
import io.otpstream.api.auth.ManagementAuth;
import io.otpstream.api.body.BodyLimit;
import io.otpstream.api.destination.CommandDestinations;
import io.otpstream.api.errors.Families;
import io.otpstream.api.gateway.CommandGateway;
import io.otpstream.api.health.HealthChecks;
import io.otpstream.api.health.HealthRoutes;
import io.otpstream.api.management.AppRoutes;
import io.otpstream.api.management.ChallengeRoutes;
import io.otpstream.api.management.ContactRoutes;
import io.otpstream.api.management.LoginConfigRoutes;
import io.otpstream.api.management.SettingsRoutes;
import io.otpstream.api.management.TemplateRoutes;
import io.otpstream.api.metrics.HttpMetrics;
import io.otpstream.api.metrics.MetricsRoutes;
import io.otpstream.api.openapi.OpenApiRoutes;
import io.otpstream.api.otp.IdempotencyKeys;
import io.otpstream.api.otp.OtpFlows;
import io.otpstream.api.prelude.PreludeFamily;
import io.otpstream.api.requestlog.RequestLog;
import io.otpstream.api.sendmator.SendmatorFamily;
import io.otpstream.api.sendmator.SendmatorRoutes;
import io.otpstream.api.session.Cors;
import io.otpstream.api.session.SessionRoutes;
import io.otpstream.api.subject.Subjects;
import io.otpstream.api.token.AccessTokens;
import io.otpstream.api.token.ChallengeTokens;
import io.otpstream.api.token.SessionTokens;
import io.otpstream.api.token.SigningKeys;
import io.otpstream.api.token.VerificationTokens;
import io.otpstream.api.webhook.WebhookLog;
import io.otpstream.api.webhook.WebhookRoutes;
import io.otpstream.api.zap.ZapFamily;
import io.otpstream.api.zap.ZapRoutes;
import io.otpstream.common.code.OtpCodes;
import io.otpstream.common.destination.SealedDestinations;
import io.otpstream.common.json.Json;
import io.otpstream.common.kafka.KafkaSettings;
import io.otpstream.common.metrics.ServiceMetrics;
import io.otpstream.common.secret.Secrets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The api service: one Javalin server for every HTTP family, built from its dependencies so a test
 * can start it on a random port. It keeps no OTP state: it authenticates, validates, sends one
 * command and answers from the decision.
 */
public final class ApiServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ApiServer.class);

  /**
   * A body that arrives slower than this is cut off (Jetty answers 408 and closes): a client
   * dripping its body (slowloris) would otherwise hold a server thread for as long as it likes.
   * Real clients send their few hundred bytes with the request's head.
   */
  public static final long MIN_BODY_BYTES_PER_SECOND = 256;

  /** The public documents: the only answers a cache may keep. */
  private static final Set<String> CACHEABLE =
      Set.of("/.well-known/jwks.json", "/openapi.json", "/docs");

  /**
   * What the api needs. {@code host} is the address to listen on (null: every interface); {@code
   * extraRoutes} lets the local launcher add its dev pages; {@code allowPrivateWebhooks} lets
   * webhooks go to loopback and private addresses (dev mode).
   */
  public record Config(
      KafkaSettings kafka,
      String host,
      int port,
      int replyPartition,
      Duration decisionTimeout,
      boolean trustForwardedFor,
      int ipv6PrefixLength,
      List<Consumer<RoutesConfig>> extraRoutes,
      boolean allowPrivateWebhooks) {
    /** With per-IP limits grouping IPv6 clients by their /64, webhooks to public hosts only. */
    public Config(
        KafkaSettings kafka,
        String host,
        int port,
        int replyPartition,
        Duration decisionTimeout,
        boolean trustForwardedFor,
        List<Consumer<RoutesConfig>> extraRoutes) {
      this(
          kafka,
          host,
          port,
          replyPartition,
          decisionTimeout,
          trustForwardedFor,
          ClientAddresses.DEFAULT_IPV6_PREFIX,
          extraRoutes,
          false);
    }
  }

  private final AppDirectory directory;
  private final CommandGateway gateway;
  private final AppCatalog catalog;
  private final SettingsWriter settingsWriter;
  private final WebhookLog webhookLog;
  private final Javalin app;
  private final ServiceMetrics ownMetrics;
  private volatile boolean draining;

  /**
   * An api with meters of its own at {@code /metrics}, ready when {@code pipelineReady} also says
   * so.
   */
  public ApiServer(Config config, Secrets secrets, BooleanSupplier pipelineReady) {
    this(
        config,
        secrets,
        HealthChecks.none(),
        HealthChecks.of("pipeline", pipelineReady),
        new ServiceMetrics("api"),
        true);
  }

  /**
   * Builds every dependency once and the server from them; nothing runs until {@link #start}. Its
   * meters go to {@code metrics} (served at {@code /metrics}); {@code pipelineLive} and {@code
   * pipelineReady} add the checks of services in the same process (the dev mode) to its own.
   */
  public ApiServer(
      Config config,
      Secrets secrets,
      HealthChecks pipelineLive,
      HealthChecks pipelineReady,
      ServiceMetrics metrics) {
    this(config, secrets, pipelineLive, pipelineReady, metrics, false);
  }

  private ApiServer(
      Config config,
      Secrets secrets,
      HealthChecks pipelineLive,
      HealthChecks pipelineReady,
      ServiceMetrics metrics,
      boolean ownsMetrics) {
    this.ownMetrics = ownsMetrics ? metrics : null;
    this.directory = new AppDirectory(config.kafka());
    this.catalog = new AppCatalog(config.kafka());
    this.settingsWriter = new SettingsWriter(config.kafka(), directory);
    this.webhookLog = new WebhookLog(config.kafka());
    this.gateway =
        new CommandGateway(config.kafka(), config.replyPartition(), config.decisionTimeout());
    gateway.bindTo(metrics.registry());
    Clock clock = Clock.systemUTC();
    Subjects subjects = new Subjects(secrets);
    ClientIp clientIp =
        new ClientIp(
            config.trustForwardedFor(), new ClientAddresses(secrets, config.ipv6PrefixLength()));
    OtpFlows flows =
        new OtpFlows(
            directory,
            gateway,
            subjects,
            new CommandDestinations(new SealedDestinations(secrets)),
            new OtpCodes(secrets),
            clientIp,
            new IdempotencyKeys(secrets),
            clock);
    SigningKeys signingKeys = new SigningKeys(secrets);
    ChallengeTokens challenges = new ChallengeTokens(signingKeys, secrets);
    SendmatorFamily sendmatorErrors = new SendmatorFamily();
    ZapFamily zapErrors = new ZapFamily();
    PreludeFamily preludeErrors = new PreludeFamily();
    Families errors =
        new Families(List.of(sendmatorErrors, zapErrors, preludeErrors), BodyLimit.tooLarge());
    // live: the threads it cannot answer without are running; ready: also not stopping
    HealthChecks live =
        HealthChecks.of("reply_consumer", gateway::alive)
            .and("catalogue", directory::caughtUp)
            .and(pipelineLive);
    HealthChecks ready = live.and("accepting", () -> !draining).and(pipelineReady);
    List<Consumer<RoutesConfig>> routes =
        List.of(
            new HttpMetrics(metrics.registry())::register,
            r -> HealthRoutes.register(r, live, ready),
            r -> MetricsRoutes.register(r, metrics),
            new SendmatorRoutes(directory, flows, new SessionTokens(secrets), sendmatorErrors)
                ::register,
            new SettingsRoutes(directory, settingsWriter, clock)::register,
            new Cors(directory)::register,
            new SessionRoutes(
                    directory,
                    flows,
                    new VerificationTokens(secrets),
                    challenges,
                    new AccessTokens(signingKeys),
                    gateway.dpopJtis(),
                    clock,
                    preludeErrors)
                ::register,
            r -> r.get("/.well-known/jwks.json", ctx -> ctx.json(signingKeys.jwks())),
            new ManagementAuth(directory)::register,
            new AppRoutes(directory, catalog, clock)::register,
            new LoginConfigRoutes(directory, catalog, clock)::register,
            new ContactRoutes(directory, catalog, clock)::register,
            new TemplateRoutes(directory, catalog, clock)::register,
            new ChallengeRoutes(directory, challenges, subjects, clock)::register,
            new WebhookRoutes(
                    directory, catalog, secrets, webhookLog, config.allowPrivateWebhooks(), clock)
                ::register,
            new ZapRoutes(directory, flows, zapErrors)::register,
            new OpenApiRoutes()::register,
            errors::register);
    this.app =
        Javalin.create(
            cfg -> {
              cfg.startup.showJavalinBanner = false;
              cfg.jsonMapper(new JavalinJackson(Json.MAPPER, false));
              cfg.http.maxRequestSize = BodyLimit.MAX_BYTES;
              cfg.jetty.modifyHttpConfiguration(
                  http -> {
                    // no thread until the body's first bytes are there, and none for long after
                    http.setDelayDispatchUntilContent(true);
                    http.setMinRequestDataRate(MIN_BODY_BYTES_PER_SECOND);
                  });
              cfg.jetty.port = config.port();
              if (config.host() != null) {
                cfg.jetty.host = config.host();
              }
              RequestLog.install(cfg); // first: every answer carries the request id
              // answers carry codes, tokens, cookies and keys: no cache may keep them, errors
              // included
              cfg.routes.before(
                  ctx -> {
                    if (!CACHEABLE.contains(ctx.path())) {
                      ctx.header("Cache-Control", "no-store");
                    }
                  });
              new BodyLimit(SessionRoutes::ignoresBody).register(cfg.routes);
              routes.forEach(r -> r.accept(cfg.routes));
              config.extraRoutes().forEach(r -> r.accept(cfg.routes));
            });
  }

  public ApiServer start() {
    directory.start(Duration.ofSeconds(60));
    gateway.start();
    webhookLog.start();
    app.start();
    log.info("api listening on port {}", app.port());
    return this;
  }

  public int port() {
    return app.port();
  }

  /**
   * The first step of a graceful stop: {@code /health/ready} answers 503 from now on, so a load
   * balancer takes this instance out, while requests are still served until {@link #close}.
   */
  public void drain() {
    draining = true;
    log.info("api draining: not ready, still serving");
  }

  @Override
  public void close() {
    draining = true;
    app.stop();
    gateway.close();
    settingsWriter.close();
    webhookLog.close();
    catalog.close();
    directory.close();
    if (ownMetrics != null) {
      ownMetrics.close();
    }
  }
}
