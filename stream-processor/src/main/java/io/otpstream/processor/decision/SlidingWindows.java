package io.otpstream.processor.decision;

import io.otpstream.common.settings.DefaultSettings;
import io.otpstream.schemas.apps.Limit;
import io.otpstream.schemas.limits.RuleCheck;
import io.otpstream.schemas.limits.SlidingWindow;
import java.util.ArrayList;
import java.util.List;

/**
 * Sliding-window limits on a stage's keyed state: for each (rule, key) the store keeps the times of
 * the admitted events still inside the window, never more than the limit (itself at most {@link
 * DefaultSettings#MAX_LIMIT}). An event at time {@code e} counts at time {@code t} while {@code t -
 * e < window}; so the first refused event is admitted again exactly when the oldest one slides out.
 * Time is the command's event time.
 */
public final class SlidingWindows {
  /** The longest window a setting may have (7 days; the management API refuses longer). */
  public static final long MAX_WINDOW_MS = 604_800_000L;

  private final Entries<SlidingWindow> store;

  public SlidingWindows(Entries<SlidingWindow> store) {
    this.store = store;
  }

  /** The outcome of asking one rule. */
  public record Verdict(
      String rule,
      String key,
      boolean allowed,
      int countInWindow,
      int limit,
      int retryAfterSeconds) {
    /** The count as audited: after admitting, or the full window at refusal. */
    public RuleCheck check() {
      return ruleCheck(rule, key, allowed ? countInWindow + 1 : countInWindow, limit);
    }
  }

  public static RuleCheck ruleCheck(String rule, String key, long count, long limit) {
    return new RuleCheck(rule, key, count, limit);
  }

  public static String storeKey(String rule, String key) {
    return rule + "|" + key;
  }

  /** Would one more event at {@code nowMs} fit? Does not record it. */
  public Verdict ask(String rule, String key, Limit limit, long nowMs) {
    if (limit.getLimit() <= 0) { // never valid from the management API; refuse rather than fail
      return new Verdict(rule, key, false, 0, 0, Math.max(1, limit.getWindowSeconds()));
    }
    int max = capped(limit);
    List<Long> kept = inWindow(store.get(storeKey(rule, key)), limit, nowMs);
    if (kept.size() < max) {
      return new Verdict(rule, key, true, kept.size(), max, 0);
    }
    long oldestRelevant = kept.get(kept.size() - max);
    long waitMs = oldestRelevant + limit.getWindowSeconds() * 1000L - nowMs;
    return new Verdict(
        rule, key, false, kept.size(), max, (int) Math.max(1, (waitMs + 999) / 1000));
  }

  /**
   * Records an admitted event at {@code nowMs}. Events stay sorted by time (api instances stamp
   * their own clocks, so they can arrive out of order); only the newest {@code limit} are kept.
   */
  public void record(String rule, String key, Limit limit, long nowMs) {
    List<Long> kept = new ArrayList<>(inWindow(store.get(storeKey(rule, key)), limit, nowMs));
    int at = 0;
    while (at < kept.size() && kept.get(at) <= nowMs) {
      at++;
    }
    kept.add(at, nowMs);
    while (kept.size() > Math.max(1, capped(limit))) {
      kept.remove(0);
    }
    store.put(storeKey(rule, key), new SlidingWindow(kept, limit.getWindowSeconds() * 1000L));
  }

  /** Forgets the window of (rule, key): what a successful check does to the failures before it. */
  public void clear(String rule, String key) {
    store.delete(storeKey(rule, key));
  }

  /**
   * The limit enforced: at most {@link DefaultSettings#MAX_LIMIT}, which the management API refuses
   * to exceed, so that a window's store value stays small (a settings version written before the
   * cap is enforced as the cap).
   */
  private static int capped(Limit limit) {
    return Math.min(limit.getLimit(), DefaultSettings.MAX_LIMIT);
  }

  /**
   * True once the newest event of {@code w} is older than the longest window any setting may give:
   * dropping it then cannot change a decision, whatever settings come later.
   */
  public static boolean expired(SlidingWindow w, long nowMs) {
    return w.getEvents().isEmpty()
        || nowMs - w.getEvents().stream().mapToLong(Long::longValue).max().orElseThrow()
            >= MAX_WINDOW_MS;
  }

  private static List<Long> inWindow(SlidingWindow w, Limit limit, long nowMs) {
    if (w == null) {
      return List.of();
    }
    long windowMs = limit.getWindowSeconds() * 1000L;
    List<Long> kept = new ArrayList<>();
    for (long e : w.getEvents()) {
      if (nowMs - e < windowMs) {
        kept.add(e);
      }
    }
    kept.sort(null);
    return kept;
  }
}
