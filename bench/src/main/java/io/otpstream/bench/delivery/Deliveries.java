package io.otpstream.bench.delivery;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Matches what an SMS provider received to the live sends waiting for it, by phone number (each
 * live send of the bench goes to a number of its own): a send registers its number before it goes
 * out ({@link #expect}), the provider side reports each message it receives ({@link #received}),
 * and the send's future completes then. It also counts what is still on its way, so a bench step
 * can wait for the backlog of one step to drain before the next ({@link #awaitSettled}).
 */
public final class Deliveries {
  private final Map<String, CompletableFuture<Void>> waiting = new ConcurrentHashMap<>();
  private final AtomicLong accepted = new AtomicLong();
  private final AtomicLong received = new AtomicLong();
  private final AtomicLong unmatched = new AtomicLong();
  private final AtomicLong lastReceipt = new AtomicLong(System.nanoTime());

  /** A future completed when a message to {@code to} reaches the provider. */
  public CompletableFuture<Void> expect(String to) {
    CompletableFuture<Void> f = new CompletableFuture<>();
    waiting.put(key(to), f);
    return f;
  }

  /** The send to {@code to} was accepted: one message is on its way. */
  public void accepted() {
    accepted.incrementAndGet();
  }

  /** The send to {@code to} was refused, failed or gave up waiting: nothing waits for it now. */
  public void forget(String to) {
    waiting.remove(key(to));
  }

  /**
   * The provider received a message to {@code to}; true when a send was waiting for it (a message
   * that comes after its send gave up counts as unmatched).
   */
  public boolean received(String to) {
    received.incrementAndGet();
    lastReceipt.set(System.nanoTime());
    CompletableFuture<Void> f = waiting.remove(key(to));
    if (f == null) {
      unmatched.incrementAndGet();
      return false;
    }
    f.complete(null);
    return true;
  }

  /** Messages accepted and not yet received (never negative). */
  public long inFlight() {
    return Math.max(0, accepted.get() - received.get());
  }

  public long receivedCount() {
    return received.get();
  }

  public long unmatchedCount() {
    return unmatched.get();
  }

  /**
   * Waits until every accepted message has reached the provider, or none came for {@code quiet}, or
   * {@code max} has passed; returns the messages still missing.
   */
  public long awaitSettled(Duration quiet, Duration max) {
    long deadline = System.nanoTime() + max.toNanos();
    while (inFlight() > 0
        && System.nanoTime() < deadline
        && System.nanoTime() - lastReceipt.get() < quiet.toNanos()) {
      LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
    }
    return inFlight();
  }

  /**
   * The matching key of a phone number: its digits only, so {@code +1 650-200-0001} and {@code
   * 16502000001} (as providers and outboxes may write it) match.
   */
  static String key(String to) {
    StringBuilder digits = new StringBuilder(16);
    for (int i = 0; i < to.length(); i++) {
      char c = to.charAt(i);
      if (c >= '0' && c <= '9') {
        digits.append(c);
      }
    }
    return digits.toString();
  }
}
