package io.otpstream.processor.decision;

import io.otpstream.schemas.command.CommandMeta;
import io.otpstream.schemas.decision.OtpDecision;
import io.otpstream.schemas.decision.Outcome;
import java.time.Duration;
import java.util.Optional;

/**
 * What a stage decided for each request that carried an {@code Idempotency-Key}, kept 24 hours (of
 * stream time). The api gives such requests a request id derived from the key, so a repeat finds
 * the first outcome here and changes nothing: no second count, session or message.
 */
public final class Idempotency {
  public static final Duration RETENTION = Duration.ofHours(24);

  /**
   * The marker a first stage keeps for a request it passed on: "forward the repeat, count nothing".
   */
  private static final Outcome FORWARDED = Outcome.UNKNOWN;

  private final Entries<OtpDecision> store;
  private final String scope;

  public Idempotency(Entries<OtpDecision> store) {
    this(store, "");
  }

  /**
   * A memory kept in {@code store} under keys prefixed with {@code scope}, apart from the store's
   * other memories.
   */
  public Idempotency(Entries<OtpDecision> store, String scope) {
    this.store = store;
    this.scope = scope;
  }

  public static boolean applies(CommandMeta m) {
    return m.getIdempotencyKey() != null;
  }

  /** The first outcome of this request, re-addressed to whoever waits for the repeat. */
  public Optional<OtpDecision> prior(CommandMeta m) {
    if (!applies(m)) {
      return Optional.empty();
    }
    OtpDecision d = store.get(scope + m.getRequestId());
    // Past 24 h a key is forgotten, whether or not housekeeping has purged it yet.
    if (d == null || expired(d, m.getOccurredAt().toEpochMilli())) {
      return Optional.empty();
    }
    return Optional.of(OtpDecision.newBuilder(d).setReplyPartition(m.getReplyPartition()).build());
  }

  public static boolean forwarded(OtpDecision prior) {
    return prior.getOutcome() == FORWARDED;
  }

  public void remember(CommandMeta m, OtpDecision decision) {
    if (applies(m)) {
      store.put(scope + m.getRequestId(), decision);
    }
  }

  public void rememberForwarded(CommandMeta m) {
    rememberForwarded(m, null);
  }

  /** Remembers a request passed on under {@code routeKey}, where a repeat must follow it. */
  public void rememberForwarded(CommandMeta m, String routeKey) {
    remember(m, forwardedMark(m, routeKey));
  }

  /**
   * What a stage keeps for a request it passed on under {@code routeKey} (null: its repeats need no
   * route).
   */
  public static OtpDecision forwardedMark(CommandMeta m, String routeKey) {
    return OtpDecision.newBuilder()
        .setRequestId(m.getRequestId())
        .setOutcome(FORWARDED)
        .setDecidedAt(m.getOccurredAt())
        .setRouteKey(routeKey)
        .build();
  }

  /**
   * True once a memory is older than 24 h of stream time: housekeeping forgets it (every scope of
   * the store).
   */
  public static boolean expired(OtpDecision d, long streamTime) {
    return streamTime - d.getDecidedAt().toEpochMilli() >= RETENTION.toMillis();
  }
}
