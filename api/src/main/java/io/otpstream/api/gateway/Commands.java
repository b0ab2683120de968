package io.otpstream.api.gateway;

import io.otpstream.api.address.ClientAddresses.Source;
import io.otpstream.schemas.apps.AppSettings;
import io.otpstream.schemas.command.CommandMeta;
import io.otpstream.schemas.command.OtpCommand;
import io.otpstream.schemas.decision.OtpDecision;
import io.otpstream.schemas.topics.EntryStage;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/** Builds the metadata every command carries, stamped with this instance's reply address. */
public final class Commands {
  private final CommandGateway gateway;

  public Commands(CommandGateway gateway) {
    this.gateway = gateway;
  }

  /** The metadata of a new command, carrying the settings version the api sees now. */
  public CommandMeta meta(AppSettings settings, Source source, boolean sandbox, Instant occurredAt) {
    return meta(settings, source, sandbox, occurredAt, null, null);
  }

  /**
   * @param idempotencyKey the client's key, or null
   * @param requestHash the stable hash of an idempotent request (its id), or null for a fresh id
   */
  public CommandMeta meta(AppSettings settings, Source source, boolean sandbox, Instant occurredAt, String idempotencyKey,
                          String requestHash) {
    return CommandMeta.newBuilder()
        .setRequestId(requestHash != null ? "idem_" + requestHash : "req_" + UUID.randomUUID())
        .setIdempotencyKey(idempotencyKey)
        .setOccurredAt(occurredAt)
        .setAppId(settings.getAppId())
        .setClientIp(source.addressId())
        .setIpKey(source.limitKey())
        .setReplyTopic(gateway.replyTopic())
        .setReplyPartition(gateway.replyPartition())
        .setSandbox(sandbox)
        .setSettingsVersion(settings.getVersion())
        .setSettings(settings)
        .build();
  }

  /**
   * Submits a send or resend. Live sends and resends of an app with a quota, and every request
   * with an Idempotency-Key, pass the first stage (keyed by app) first; the rest start at the
   * per-IP stage, keyed by the source's limit key.
   */
  public CompletableFuture<OtpDecision> sendOrResend(Object command, CommandMeta meta) {
    return submit(EntryStage.ofSendOrResend(gateway.topics(), meta), command, meta);
  }

  /** Submits a check: it goes straight to the session stage, keyed by subject. */
  public CompletableFuture<OtpDecision> check(String subjectId, Object command, CommandMeta meta) {
    return submit(EntryStage.ofCheck(gateway.topics(), subjectId), command, meta);
  }

  private CompletableFuture<OtpDecision> submit(EntryStage.Route route, Object command, CommandMeta meta) {
    return gateway.submit(route.topic().name(), route.key(), new OtpCommand(command), meta.getRequestId(), meta.getOccurredAt());
  }
}
