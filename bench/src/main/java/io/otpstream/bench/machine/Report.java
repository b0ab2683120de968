package io.otpstream.bench.machine;

import io.otpstream.bench.load.LoadResult;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The bench's output: one table of every step (percentiles, achieved rate, outcomes by status), one
 * of otpstream's steps as ratios to the limits (a) and (b) at the same load in the same run, and
 * the raw figures as CSV ({@code results.csv}, one row a step; {@code percentiles.csv}, the latency
 * at fixed percentiles of every step) plus one HdrHistogram {@code .hgrm} file a step, for charts.
 */
final class Report {
  static final String LIMIT_A = "limit (a) produce acks=all";
  static final String LIMIT_B = "limit (b) produce+EOS hop+read";

  private static final double[] PERCENTILES = {
    0, 10, 25, 50, 75, 90, 95, 99, 99.5, 99.9, 99.99, 100
  };

  private Report() {}

  static void table(PrintStream out, List<LoadResult> results) {
    out.printf(
        Locale.ROOT,
        "%-32s %-6s %5s %7s %8s %8s %8s %8s %8s %8s %9s  %s%n",
        "target",
        "mode",
        "load",
        "n",
        "p50 ms",
        "p90 ms",
        "p99 ms",
        "p99.9 ms",
        "max ms",
        "done/s",
        "cpu ms/op",
        "outcomes");
    for (LoadResult r : results) {
      out.printf(
          Locale.ROOT,
          "%-32s %-6s %5d %7d %8.1f %8.1f %8.1f %8.1f %8.1f %8.0f %9.2f  %s%n",
          r.target(),
          r.mode(),
          r.load(),
          r.count(),
          r.ms(50),
          r.ms(90),
          r.ms(99),
          r.ms(99.9),
          r.maxMs(),
          r.achievedPerSecond(),
          r.cpuMsPerOp(),
          r.statuses());
    }
  }

  /**
   * Otpstream over each limit at the same mode and load: latency ratios (p50, p99; higher is
   * slower), the throughput ratio (done/s; lower is slower, meaningful for closed loops) and the
   * server CPU per operation (higher is costlier).
   */
  static void ratios(PrintStream out, List<LoadResult> results) {
    out.printf(
        Locale.ROOT,
        "%-32s %-6s %5s %9s %9s %9s %9s %11s %11s %9s %9s%n",
        "otpstream / limit",
        "mode",
        "load",
        "p50 /(a)",
        "p50 /(b)",
        "p99 /(a)",
        "p99 /(b)",
        "done/s /(a)",
        "done/s /(b)",
        "cpu /(a)",
        "cpu /(b)");
    for (LoadResult r : results) {
      if (r.target().startsWith("limit")) {
        continue;
      }
      Optional<LoadResult> a = same(results, LIMIT_A, r);
      Optional<LoadResult> b = same(results, LIMIT_B, r);
      out.printf(
          Locale.ROOT,
          "%-32s %-6s %5d %9s %9s %9s %9s %11s %11s %9s %9s%n",
          r.target(),
          r.mode(),
          r.load(),
          ratio(r.ms(50), a.map(x -> x.ms(50))),
          ratio(r.ms(50), b.map(x -> x.ms(50))),
          ratio(r.ms(99), a.map(x -> x.ms(99))),
          ratio(r.ms(99), b.map(x -> x.ms(99))),
          ratio(r.achievedPerSecond(), a.map(LoadResult::achievedPerSecond)),
          ratio(r.achievedPerSecond(), b.map(LoadResult::achievedPerSecond)),
          ratio(r.cpuMsPerOp(), a.map(LoadResult::cpuMsPerOp)),
          ratio(r.cpuMsPerOp(), b.map(LoadResult::cpuMsPerOp)));
    }
  }

  static void csv(Path dir, List<LoadResult> results) throws IOException {
    Files.createDirectories(dir.resolve("hgrm"));
    StringBuilder rows =
        new StringBuilder(
            "target,mode,load,seconds,n,done_per_s,p50_ms,p90_ms,p99_ms,p99_9_ms,max_ms,cpu_ms_per_op,"
                + "outcomes\n");
    StringBuilder pct = new StringBuilder("target,mode,load,percentile,latency_ms\n");
    for (LoadResult r : results) {
      rows.append(
          String.format(
              Locale.ROOT,
              "\"%s\",%s,%d,%.3f,%d,%.1f,%.3f,%.3f,%.3f,%.3f,%.3f,%.3f,\"%s\"%n",
              r.target(),
              r.mode(),
              r.load(),
              r.seconds(),
              r.count(),
              r.achievedPerSecond(),
              r.ms(50),
              r.ms(90),
              r.ms(99),
              r.ms(99.9),
              r.maxMs(),
              r.cpuMsPerOp(),
              r.statuses()));
      for (double p : PERCENTILES) {
        pct.append(
            String.format(
                Locale.ROOT, "\"%s\",%s,%d,%s,%.3f%n", r.target(), r.mode(), r.load(), p, r.ms(p)));
      }
      String file =
          (r.target() + "-" + r.mode() + "-" + r.load()).replaceAll("[^A-Za-z0-9.]+", "-");
      try (PrintStream h =
          new PrintStream(
              Files.newOutputStream(dir.resolve("hgrm").resolve(file + ".hgrm")),
              false,
              StandardCharsets.UTF_8)) {
        r.latencyMicros().outputPercentileDistribution(h, 1000.0); // in ms
      }
    }
    Files.writeString(dir.resolve("results.csv"), rows);
    Files.writeString(dir.resolve("percentiles.csv"), pct);
  }

  private static Optional<LoadResult> same(List<LoadResult> all, String target, LoadResult r) {
    return all.stream()
        .filter(x -> x.target().equals(target) && x.mode().equals(r.mode()) && x.load() == r.load())
        .findFirst();
  }

  private static String ratio(double value, Optional<Double> limit) {
    return limit
        .filter(l -> l > 0)
        .map(l -> String.format(Locale.ROOT, "%.2f", value / l))
        .orElse("-");
  }
}
