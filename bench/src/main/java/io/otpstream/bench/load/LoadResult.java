package io.otpstream.bench.load;

import java.util.Map;
import java.util.TreeMap;
import org.HdrHistogram.Histogram;

/**
 * What one load step measured: the latency histogram (microseconds; open loop: from each
 * operation's intended start), the operations answered per second, and the outcomes by HTTP status
 * ({@code timeout} or {@code io} when there was no answer).
 *
 * @param target what was loaded (e.g. {@code otpstream sandbox send})
 * @param mode {@code open} (a fixed offered rate) or {@code closed} (a fixed number of connections)
 * @param load the offered rate per second (open) or the number of connections (closed)
 * @param serverCpuSeconds CPU time the loaded server's process used during the step (NaN: not
 *     measured); on a shared machine a steadier cost figure than latency
 */
public record LoadResult(
    String target,
    String mode,
    int load,
    Histogram latencyMicros,
    double seconds,
    double achievedPerSecond,
    Map<String, Long> byStatus,
    double serverCpuSeconds) {

  public LoadResult {
    byStatus = Map.copyOf(new TreeMap<>(byStatus));
  }

  /** The same result with the server's CPU seconds during the step. */
  public LoadResult withServerCpu(double seconds) {
    return new LoadResult(
        target, mode, load, latencyMicros, this.seconds, achievedPerSecond, byStatus, seconds);
  }

  /** The server's CPU milliseconds per operation answered (NaN when not measured). */
  public double cpuMsPerOp() {
    return count() == 0 ? Double.NaN : serverCpuSeconds * 1000 / count();
  }

  /** The latency at {@code percentile} (0-100), in milliseconds. */
  public double ms(double percentile) {
    return latencyMicros.getValueAtPercentile(percentile) / 1e3;
  }

  public double maxMs() {
    return latencyMicros.getMaxValue() / 1e3;
  }

  public long count() {
    return latencyMicros.getTotalCount();
  }

  /** Operations whose outcome was not in {@code expected} (by status). */
  public long unexpected(java.util.Set<String> expected) {
    return byStatus.entrySet().stream()
        .filter(e -> !expected.contains(e.getKey()))
        .mapToLong(Map.Entry::getValue)
        .sum();
  }

  /** The outcomes as {@code 200=812 429=20}, sorted by status. */
  public String statuses() {
    StringBuilder s = new StringBuilder();
    new TreeMap<>(byStatus)
        .forEach((k, v) -> s.append(s.length() == 0 ? "" : " ").append(k).append('=').append(v));
    return s.toString();
  }
}
