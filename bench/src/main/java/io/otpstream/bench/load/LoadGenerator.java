package io.otpstream.bench.load;

import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * Drives an {@link Operation} and records its latency in an HdrHistogram, two ways.
 *
 * <p><b>Open loop</b> ({@link #open}): operations are started on a fixed schedule, one every 1/rate
 * s, whatever the answers do, and each is timed from when it was <em>due</em>, not from when it
 * went out. A stall of the target (or of this generator) therefore counts against every operation
 * it delays, as a user would see it: no coordinated omission.
 *
 * <p><b>Closed loop</b> ({@link #closed}): N connections each start the next operation as soon as
 * the previous one answered, which finds the most the target completes per second; latencies are
 * then service times at that saturation.
 */
public final class LoadGenerator {
  private static final long HIGHEST_MICROS = TimeUnit.MINUTES.toMicros(2);

  private LoadGenerator() {}

  /** {@code rate} operations per second for {@code duration}, each timed from its due time. */
  public static LoadResult open(String target, Operation op, int rate, Duration duration)
      throws InterruptedException {
    long n = Math.max(1, rate * duration.toMillis() / 1000);
    Tally tally = new Tally();
    CountDownLatch done = new CountDownLatch((int) n);
    double period = 1e9 / rate;
    long start = System.nanoTime();
    for (long i = 0; i < n; i++) {
      long due = start + (long) (i * period);
      long wait;
      while ((wait = due - System.nanoTime()) > 0) {
        LockSupport.parkNanos(wait);
      }
      tally.start(op, i, due, done);
    }
    done.await(Http.TIMEOUT.toSeconds() * 3, TimeUnit.SECONDS);
    return tally.result(target, "open", rate, start);
  }

  /** {@code connections} operations in flight at all times for {@code duration}. */
  public static LoadResult closed(String target, Operation op, int connections, Duration duration)
      throws InterruptedException {
    Tally tally = new Tally();
    CountDownLatch stopped = new CountDownLatch(connections);
    AtomicLong seq = new AtomicLong();
    long start = System.nanoTime();
    long deadline = start + duration.toNanos();
    for (int c = 0; c < connections; c++) {
      loop(tally, op, seq, deadline, stopped);
    }
    stopped.await(duration.toSeconds() + Http.TIMEOUT.toSeconds() * 3, TimeUnit.SECONDS);
    return tally.result(target, "closed", connections, start);
  }

  private static void loop(
      Tally tally, Operation op, AtomicLong seq, long deadline, CountDownLatch stopped) {
    if (System.nanoTime() >= deadline) {
      stopped.countDown();
      return;
    }
    CountDownLatch one = new CountDownLatch(1);
    tally
        .start(op, seq.getAndIncrement(), System.nanoTime(), one)
        .whenComplete((s, e) -> loop(tally, op, seq, deadline, stopped));
  }

  /** The histogram and the outcome counts of one step, safe to record into from any thread. */
  private static final class Tally {
    private final Histogram latency = new ConcurrentHistogram(HIGHEST_MICROS, 3);
    private final Map<String, LongAdder> byStatus = new ConcurrentHashMap<>();
    private final AtomicLong lastAnswer = new AtomicLong();

    java.util.concurrent.CompletableFuture<Integer> start(
        Operation op, long seq, long due, CountDownLatch done) {
      java.util.concurrent.CompletableFuture<Integer> f;
      try {
        f = op.start(seq);
      } catch (RuntimeException e) {
        f = java.util.concurrent.CompletableFuture.failedFuture(e);
      }
      return f.whenComplete(
          (status, error) -> {
            long now = System.nanoTime();
            latency.recordValue(Math.min((now - due) / 1000, HIGHEST_MICROS));
            lastAnswer.accumulateAndGet(now, Math::max);
            byStatus.computeIfAbsent(outcome(status, error), k -> new LongAdder()).increment();
            done.countDown();
          });
    }

    LoadResult result(String target, String mode, int load, long start) {
      long end = Math.max(lastAnswer.get(), start + 1);
      double seconds = (end - start) / 1e9;
      Map<String, Long> counts = new java.util.TreeMap<>();
      byStatus.forEach((k, v) -> counts.put(k, v.sum()));
      return new LoadResult(
          target,
          mode,
          load,
          latency.copy(),
          seconds,
          latency.getTotalCount() / seconds,
          counts,
          Double.NaN);
    }

    private static String outcome(Integer status, Throwable error) {
      if (error == null) {
        return Integer.toString(status);
      }
      Throwable cause =
          error instanceof CompletionException && error.getCause() != null
              ? error.getCause()
              : error;
      return cause instanceof HttpTimeoutException ? "timeout" : "io";
    }
  }
}
