package io.otpstream.api.gateway;

import io.otpstream.schemas.apps.AppSettings;
import io.otpstream.schemas.command.CommandMeta;
import java.time.Instant;
import java.util.UUID;

/** Builds the metadata every command carries, stamped with this instance's reply address. */
public final class Commands {
  private final CommandGateway gateway;

  public Commands(CommandGateway gateway) {
    this.gateway = gateway;
  }

  /** The metadata of a new command, carrying the settings version the api sees now. */
  public CommandMeta meta(AppSettings settings, String clientIp, boolean sandbox, Instant occurredAt) {
    return meta(settings, clientIp, sandbox, occurredAt, null, null);
  }

  /**
   * @param idempotencyKey the client's key, or null
   * @param requestHash the stable hash of an idempotent request (its id), or null for a fresh id
   */
  public CommandMeta meta(AppSettings settings, String clientIp, boolean sandbox, Instant occurredAt, String idempotencyKey,
                          String requestHash) {
    return CommandMeta.newBuilder()
        .setRequestId(requestHash != null ? "idem_" + requestHash : "req_" + UUID.randomUUID())
        .setIdempotencyKey(idempotencyKey)
        .setOccurredAt(occurredAt)
        .setAppId(settings.getAppId())
        .setClientIp(clientIp == null ? "" : clientIp)
        .setReplyTopic(gateway.replyTopic())
        .setReplyPartition(gateway.replyPartition())
        .setSandbox(sandbox)
        .setSettingsVersion(settings.getVersion())
        .setSettings(settings)
        .build();
  }
}
