package io.otpstream.schemas.topics;

import io.otpstream.schemas.command.CommandMeta;
import io.otpstream.schemas.command.OtpRequested;

/**
 * Where a command enters the processor, and under which key: the routing every api instance must
 * agree on for the limits to hold.
 *
 * <ul>
 *   <li>Live sends and resends of an app with a quota enter at the quota stage ({@code otp.quota})
 *       keyed by app: one partition sees all of the app's spending, so the quota is exact.
 *   <li>Other sends to a phone, and other sends and resends with an Idempotency-Key, enter at the
 *       quota stage too, under one of the app's {@link #SHARDS} shard keys: a send to a phone under
 *       its number block's shard (every send to a block meets there, the sends_per_number_block
 *       rule), any other under its request id's (every repeat of a request meets its first). So one
 *       app's traffic spreads over the stage's partitions and processors.
 *   <li>Other sends and resends enter at the per-IP stage ({@code otp.requests}) keyed by the
 *       client's limit key; checks at the session stage ({@code otp.commands}) keyed by subject.
 * </ul>
 */
public final class EntryStage {
  /**
   * The shard keys of one app at the quota stage. Part of the routing: changing it moves the number
   * blocks' windows and the idempotency memories of uncharged requests to other partitions.
   */
  public static final int SHARDS = 32;

  private EntryStage() {}

  /** A topic and a record key. */
  public record Route(TopicSpec<String, ?> topic, String key) {}

  /** The entry of a send or resend. */
  public static Route ofSendOrResend(Topics topics, CommandMeta meta) {
    if (charged(meta)) {
      return new Route(topics.quota, meta.getAppId());
    }
    if (meta.getIdempotencyKey() != null) {
      return new Route(topics.quota, shard(meta.getAppId(), meta.getRequestId()));
    }
    return new Route(topics.requests, clientKey(meta));
  }

  /**
   * The entry of a send: as any send or resend, but at the quota stage whenever it goes to a phone
   * whose number block it names ({@code sms_block_id}), under the block's shard unless the app's
   * quota keys it by app. The request id of an idempotent send hashes its body, so its repeats name
   * the same block and meet its first in that shard.
   */
  public static Route ofSend(Topics topics, OtpRequested send) {
    CommandMeta meta = send.getMeta();
    if (send.getSmsBlockId() != null && !charged(meta)) {
      return new Route(topics.quota, shard(meta.getAppId(), send.getSmsBlockId()));
    }
    return ofSendOrResend(topics, meta);
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

  /** True when the quota stage charges the request against the app's quota. */
  private static boolean charged(CommandMeta meta) {
    return !meta.getSandbox()
        && meta.getSettings() != null
        && meta.getSettings().getQuota() != null;
  }

  /**
   * The app's shard key for {@code spread} (a number block or a request id); {@link
   * String#hashCode} is specified, so every api instance computes the same one.
   */
  static String shard(String appId, String spread) {
    return appId + "#" + Math.floorMod(spread.hashCode(), SHARDS);
  }
}
