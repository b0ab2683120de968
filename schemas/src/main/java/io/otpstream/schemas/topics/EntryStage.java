package io.otpstream.schemas.topics;

import io.otpstream.schemas.command.CommandMeta;
import io.otpstream.schemas.command.OtpRequested;

/**
 * Where a command enters the processor, and under which key: the routing every api instance must
 * agree on for the limits to hold. Live sends and resends of an app with a quota, and every send or
 * resend with an Idempotency-Key, enter at the quota stage ({@code otp.quota}, keyed by app: one
 * partition sees all of an app's spending and repeats); other sends and resends at the per-IP stage
 * ({@code otp.requests}, keyed by the client's limit key); checks at the session stage ({@code
 * otp.commands}, keyed by subject). Sends to a phone enter at the quota stage as well, which counts
 * the sends to each block of numbers.
 */
public final class EntryStage {
  private EntryStage() {}

  /** A topic and a record key. */
  public record Route(TopicSpec<String, ?> topic, String key) {}

  /** The entry of a send or resend. */
  public static Route ofSendOrResend(Topics topics, CommandMeta meta) {
    boolean quota =
        !meta.getSandbox() && meta.getSettings() != null && meta.getSettings().getQuota() != null;
    if (quota || meta.getIdempotencyKey() != null) {
      return new Route(topics.quota, meta.getAppId());
    }
    return new Route(topics.requests, clientKey(meta));
  }

  /**
   * The entry of a send: as any send or resend, but at the quota stage whenever it goes to a phone
   * whose number block it names ({@code sms_block_id}), because the app-keyed stage is where the
   * sends to one block are counted from every client (the sends_per_number_block rule).
   */
  public static Route ofSend(Topics topics, OtpRequested send) {
    if (send.getSmsBlockId() != null) {
      return new Route(topics.quota, send.getMeta().getAppId());
    }
    return ofSendOrResend(topics, send.getMeta());
  }

  /** The entry of a check. */
  public static Route ofCheck(Topics topics, String subjectId) {
    return new Route(topics.commands, subjectId);
  }

  /**
   * The per-IP stage's record key of a command: its client's limit key (its address, for older
   * commands).
   */
  public static String clientKey(CommandMeta meta) {
    return meta.getIpKey() != null ? meta.getIpKey() : meta.getClientIp();
  }
}
