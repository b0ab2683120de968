package io.otpstream.api.otp;

import io.otpstream.schemas.apps.AppSettings;
import io.otpstream.schemas.command.CommandMeta;
import io.otpstream.schemas.command.OtpCheckRequested;
import io.otpstream.schemas.command.OtpRequested;
import io.otpstream.schemas.command.OtpRetried;
import io.otpstream.schemas.topics.EntryStage;
import io.otpstream.schemas.topics.Topics;
import java.util.UUID;

/**
 * The pure parts of a command: the metadata every command carries, and where it enters the
 * processor.
 */
public final class Commands {
  private Commands() {}

  /**
   * The metadata of a command from {@code caller}, carrying the settings version the api sees now
   * and this instance's reply address.
   */
  public static CommandMeta meta(
      AppSettings settings, Caller caller, String replyTopic, int replyPartition) {
    return CommandMeta.newBuilder()
        .setRequestId(requestId(caller))
        .setIdempotencyKey(caller.idempotent() == null ? null : caller.idempotent().key())
        .setOccurredAt(caller.at())
        .setAppId(settings.getAppId())
        .setClientIp(caller.source().addressId())
        .setIpKey(caller.source().limitKey())
        .setReplyTopic(replyTopic)
        .setReplyPartition(replyPartition)
        .setSandbox(caller.sandbox())
        .setSettingsVersion(settings.getVersion())
        .setSettings(settings)
        .build();
  }

  /**
   * The request id: derived from the request's hash when it is idempotent, so its repeats share it;
   * else fresh.
   */
  public static String requestId(Caller caller) {
    return caller.idempotent() != null
        ? "idem_" + caller.idempotent().requestHash()
        : "req_" + UUID.randomUUID();
  }

  /**
   * Where a command enters: a send or resend at the quota stage when the app's live messages are
   * counted or the request is idempotent, and a send to a phone (its number block is counted
   * there), else at the per-IP stage; a check at the session stage, keyed by subject (see {@link
   * EntryStage}).
   */
  public static EntryStage.Route entry(Topics topics, Object command) {
    if (command instanceof OtpRequested c) {
      return EntryStage.ofSend(topics, c);
    }
    if (command instanceof OtpRetried c) {
      return EntryStage.ofSendOrResend(topics, c.getMeta());
    }
    if (command instanceof OtpCheckRequested c) {
      return EntryStage.ofCheck(topics, c.getSubjectId());
    }
    throw new IllegalArgumentException("not a command: " + command);
  }
}
