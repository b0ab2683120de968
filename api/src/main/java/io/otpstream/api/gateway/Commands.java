package io.otpstream.api.gateway;

import io.otpstream.schemas.command.CommandMeta;
import java.time.Instant;
import java.util.UUID;

/** Builds the metadata every command carries, stamped with this instance's reply address. */
public final class Commands {
  private final CommandGateway gateway;

  public Commands(CommandGateway gateway) {
    this.gateway = gateway;
  }

  public CommandMeta meta(String appId, String clientIp, boolean sandbox, Instant occurredAt) {
    return CommandMeta.newBuilder()
        .setRequestId("req_" + UUID.randomUUID())
        .setOccurredAt(occurredAt)
        .setAppId(appId)
        .setClientIp(clientIp == null ? "" : clientIp)
        .setReplyTopic(gateway.replyTopic())
        .setReplyPartition(gateway.replyPartition())
        .setSandbox(sandbox)
        .build();
  }
}
