package io.otpstream.api.otp;

import io.javalin.http.Context;
import io.otpstream.api.address.ClientAddresses.Source;
import io.otpstream.api.address.ClientIp;
import io.otpstream.api.apps.AppDirectory;
import io.otpstream.api.destination.CommandDestinations;
import io.otpstream.api.gateway.CommandGateway;
import io.otpstream.api.subject.Subjects;
import io.otpstream.common.code.OtpCodes;
import io.otpstream.schemas.apps.ApiKey;
import io.otpstream.schemas.command.CommandMeta;
import io.otpstream.schemas.command.OtpCheckRequested;
import io.otpstream.schemas.command.OtpCommand;
import io.otpstream.schemas.command.OtpRequested;
import io.otpstream.schemas.command.OtpRetried;
import io.otpstream.schemas.command.SubmittedCode;
import io.otpstream.schemas.decision.OtpDecision;
import io.otpstream.schemas.topics.EntryStage;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/**
 * The three OTP flows every HTTP family speaks, start, resend and check, each one command and one
 * decision. This is the one place that makes session ids and subjects, hashes idempotent requests,
 * stamps command metadata, seals destinations, turns codes into MACs and picks the entry topic, so
 * a family only parses its request, calls a flow and writes the answer in its own format.
 */
public final class OtpFlows {
  private final AppDirectory directory;
  private final CommandGateway gateway;
  private final Subjects subjects;
  private final CommandDestinations destinations;
  private final OtpCodes codes;
  private final ClientIp clientIp;
  private final IdempotencyKeys idempotencyKeys;
  private final Clock clock;

  public OtpFlows(
      AppDirectory directory,
      CommandGateway gateway,
      Subjects subjects,
      CommandDestinations destinations,
      OtpCodes codes,
      ClientIp clientIp,
      IdempotencyKeys idempotencyKeys,
      Clock clock) {
    this.directory = directory;
    this.gateway = gateway;
    this.subjects = subjects;
    this.destinations = destinations;
    this.codes = codes;
    this.clientIp = clientIp;
    this.idempotencyKeys = idempotencyKeys;
    this.clock = clock;
  }

  /**
   * A server-API caller (API key): the end user's source when the request names it, idempotent when
   * it carries an {@code Idempotency-Key} (hashed with the key's mode, {@code operation} and the
   * body: a sandbox key never shares a live key's answers). A malformed header is a 400.
   */
  public Caller server(Context ctx, ApiKey key, String operation, boolean sandbox) {
    String appId = key.getAppId();
    Source source = clientIp.endUser(ctx, appId);
    Caller.Idempotent idempotent =
        IdempotencyKeys.of(ctx)
            .map(
                k ->
                    new Caller.Idempotent(
                        k,
                        idempotencyKeys.requestHash(
                            appId, key.getMode().name(), operation, k, ctx.bodyAsBytes())))
            .orElse(null);
    return new Caller(appId, sandbox, source, clock.instant(), idempotent);
  }

  /**
   * A live caller known by its connection (the session API, the admin resend): its peer or trusted
   * proxy hop.
   */
  public Caller peer(Context ctx, String appId) {
    return new Caller(appId, false, clientIp.of(ctx, appId), clock.instant(), null);
  }

  /**
   * Opens a session under a fresh id (codes derive from it, so it never repeats; a repeat of an
   * idempotent start gets the first decision, which names the first session). A start to a phone
   * and an email counts against both subjects; the phone's is the primary.
   */
  public CompletableFuture<Started> start(Caller caller, Start start) {
    String appId = caller.appId();
    String subjectId = subjects.subjectId(appId, start.sms() != null ? start.sms() : start.email());
    String secondarySubjectId =
        start.sms() != null && start.email() != null
            ? subjects.subjectId(appId, start.email())
            : null;
    CommandMeta meta = meta(caller);
    OtpRequested command =
        destinations
            .apply(OtpRequested.newBuilder(), appId, start.sms(), start.email())
            .setMeta(meta)
            .setSessionId("ses_" + UUID.randomUUID().toString().replace("-", ""))
            .setSubjectId(subjectId)
            .setSecondarySubjectId(secondarySubjectId)
            .setSmsBlockId(start.sms() != null ? subjects.numberBlockId(appId, start.sms()) : null)
            .setChannels(start.channels())
            .setOtpLength(start.otpLength())
            .setExpirySeconds(start.expirySeconds())
            .setMaxAttempts(start.maxAttempts())
            .setTemplateId(start.templateId())
            .setSenderId(start.senderId())
            .setLocale(start.locale())
            .setMetadata(start.metadata())
            .setChallengeId(start.challengeId())
            .setResumeOpen(start.resumeOpen())
            .build();
    return submit(command, meta).thenApply(d -> new Started(d, subjectId, secondarySubjectId));
  }

  /** A new code on an open session, on the channels its token names. */
  public CompletableFuture<OtpDecision> resend(Caller caller, SessionRef session) {
    CommandMeta meta = meta(caller);
    return submit(
        OtpRetried.newBuilder()
            .setMeta(meta)
            .setSessionId(session.sessionId())
            .setSubjectId(session.subjectId())
            .setSecondarySubjectId(session.secondarySubjectId())
            .setChannels(session.channels())
            .build(),
        meta);
  }

  /**
   * One attempt at the session's code, however many channels it names; the codes travel as keyed
   * MACs.
   */
  public CompletableFuture<OtpDecision> check(
      Caller caller, SessionRef session, List<EnteredCode> entered) {
    List<SubmittedCode> submitted =
        entered.stream()
            .map(
                c ->
                    new SubmittedCode(
                        c.channel(),
                        ByteBuffer.wrap(
                            codes.checkMac(caller.appId(), session.sessionId(), c.code().strip()))))
            .toList();
    CommandMeta meta = meta(caller);
    return submit(
        OtpCheckRequested.newBuilder()
            .setMeta(meta)
            .setSessionId(session.sessionId())
            .setSubjectId(session.subjectId())
            .setCodes(submitted)
            .build(),
        meta);
  }

  private CommandMeta meta(Caller caller) {
    return Commands.meta(
        directory.settings(caller.appId()), caller, gateway.replyTopic(), gateway.replyPartition());
  }

  private CompletableFuture<OtpDecision> submit(Object command, CommandMeta meta) {
    EntryStage.Route route = Commands.entry(gateway.topics(), command);
    return gateway.submit(
        route.topic().name(),
        route.key(),
        new OtpCommand(command),
        meta.getRequestId(),
        meta.getOccurredAt());
  }
}
