package io.otpstream.launcher.audit;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * Progress of a long scan on a terminal: records read of the total, the rate, the time left, on one
 * line rewritten at most twice a second. Silent when the output is not a terminal, so piped output
 * and logs stay clean.
 */
public final class Progress {
  private static final long EVERY_NANOS = Duration.ofMillis(500).toNanos();

  private final PrintWriter err;
  private final boolean shown;
  private final LongSupplier nanoTime;
  private final long started;
  private long last;
  private boolean printed;

  Progress(PrintWriter err, boolean shown, LongSupplier nanoTime) {
    this.err = err;
    this.shown = shown;
    this.nanoTime = nanoTime;
    this.started = nanoTime.getAsLong();
    this.last = started;
  }

  /** Progress on {@code err} when {@code terminal}, else none. */
  public static Progress on(PrintWriter err, boolean terminal) {
    return new Progress(err, terminal, System::nanoTime);
  }

  /** Records {@code read} of {@code total} so far. */
  void update(long read, long total) {
    long now = nanoTime.getAsLong();
    if (!shown || now - last < EVERY_NANOS) {
      return;
    }
    last = now;
    printed = true;
    err.print("\r" + line(read, total, (now - started) / 1e9));
    err.flush();
  }

  /** Ends the progress line, if one was printed. */
  void done(long read, long total) {
    if (shown && printed) {
      err.println("\r" + line(read, total, (nanoTime.getAsLong() - started) / 1e9));
      err.flush();
    }
  }

  /** The progress line after {@code seconds}: records, rate and, once there is a rate, the ETA. */
  static String line(long read, long total, double seconds) {
    double rate = seconds > 0 ? read / seconds : 0;
    String eta = rate <= 0 ? "ETA -" : "ETA " + Math.round(Math.max(0, total - read) / rate) + " s";
    return String.format(
        Locale.ROOT,
        "read %,d of %,d records (%d%%), %,.0f records/s, %s",
        read,
        total,
        total == 0 ? 100 : Math.min(100, read * 100 / total),
        rate,
        eta);
  }
}
