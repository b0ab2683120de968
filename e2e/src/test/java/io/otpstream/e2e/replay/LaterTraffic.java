package io.otpstream.e2e.replay;

import io.otpstream.api.address.ClientAddresses;
import io.otpstream.api.address.ClientIp;
import io.otpstream.api.apps.AppDirectory;
import io.otpstream.api.destination.CommandDestinations;
import io.otpstream.api.gateway.CommandGateway;
import io.otpstream.api.otp.Caller;
import io.otpstream.api.otp.IdempotencyKeys;
import io.otpstream.api.otp.OtpFlows;
import io.otpstream.api.otp.Start;
import io.otpstream.api.subject.Subjects;
import io.otpstream.common.code.OtpCodes;
import io.otpstream.common.destination.SealedDestinations;
import io.otpstream.common.secret.Secrets;
import io.otpstream.e2e.support.TestPipeline;
import io.otpstream.schemas.common.Channel;
import io.otpstream.schemas.decision.OtpDecision;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Sandbox sends made by the api's own flows ({@link OtpFlows}) on a clock moved on by days, to a
 * running pipeline: the commands an api would submit that much later, on a reply partition of their
 * own. The processor decides on their event time, so its stream time moves on with them and its
 * housekeeping runs on the live stores, as it does when real traffic comes days later.
 */
final class LaterTraffic implements AutoCloseable {
  /** The reply partition these commands name (the pipeline's api waits on 0). */
  static final int REPLY_PARTITION = 1;

  private final String appId;
  private final Clock clock;
  private final ClientAddresses addresses;
  private final AppDirectory directory;
  private final CommandGateway gateway;
  private final OtpFlows flows;

  LaterTraffic(TestPipeline pipeline, Duration later) {
    Secrets secrets = pipeline.secrets;
    this.appId = pipeline.appId;
    this.clock = Clock.offset(Clock.systemUTC(), later);
    this.addresses = new ClientAddresses(secrets, ClientAddresses.DEFAULT_IPV6_PREFIX);
    this.directory = new AppDirectory(pipeline.kafka);
    this.gateway = new CommandGateway(pipeline.kafka, REPLY_PARTITION, Duration.ofSeconds(15));
    directory.start(Duration.ofSeconds(30));
    gateway.start();
    this.flows =
        new OtpFlows(
            directory,
            gateway,
            new Subjects(secrets),
            new CommandDestinations(new SealedDestinations(secrets)),
            new OtpCodes(secrets),
            new ClientIp(true, addresses),
            new IdempotencyKeys(secrets),
            clock);
  }

  /** Now, on this traffic's clock. */
  Instant now() {
    return clock.instant();
  }

  /**
   * A sandbox SMS send from {@code ip}; with an {@code idempotencyKey} it enters at the quota
   * stage, as the api sends such requests.
   */
  OtpDecision sandboxSend(String phone, String ip, String idempotencyKey) throws Exception {
    return startSandboxSend(phone, ip, idempotencyKey).get(30, TimeUnit.SECONDS);
  }

  /** {@link #sandboxSend}, without waiting for its decision. */
  CompletableFuture<OtpDecision> startSandboxSend(String phone, String ip, String idempotencyKey) {
    Caller caller =
        new Caller(
            appId,
            true,
            addresses.source(appId, ip),
            clock.instant(),
            idempotencyKey == null
                ? null
                : new Caller.Idempotent(idempotencyKey, "later-" + idempotencyKey));
    return flows
        .start(caller, Start.to(phone, null, List.of(Channel.SMS)))
        .thenApply(started -> started.decision());
  }

  @Override
  public void close() {
    gateway.close();
    directory.close();
  }
}
