package io.otpstream.bench.machine;

import io.otpstream.bench.load.LoadAverage;
import io.otpstream.bench.load.LoadResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/**
 * What a bench of processes needs around the load generator: one step with the CPU the server
 * processes used during it, the machine's load average, and removing a data folder.
 */
final class Load {
  private Load() {}

  /** A load step. */
  interface Step {
    LoadResult run() throws Exception;
  }

  /** One step, with the CPU of {@code pids} during it (idle pollers included), printed. */
  static LoadResult step(long[] pids, Step step) throws Exception {
    double before = cpu(pids);
    LoadResult r = step.run();
    r = r.withServerCpu(cpu(pids) - before);
    System.out.printf(
        Locale.ROOT,
        "%-32s %-6s %5d  p50 %.1f ms  p99 %.1f ms  %.0f/s  cpu %.2f ms/op  %s  (load %s)%n",
        r.target(),
        r.mode(),
        r.load(),
        r.ms(50),
        r.ms(99),
        r.achievedPerSecond(),
        r.cpuMsPerOp(),
        r.statuses(),
        average());
    return r;
  }

  static double cpu(long[] pids) {
    return Arrays.stream(pids).mapToDouble(ProcessCpu::seconds).sum();
  }

  /** The 1, 5 and 15 minute load averages. */
  static String average() {
    return LoadAverage.now();
  }

  static void deleteTree(Path dir) throws IOException {
    try (var paths = Files.walk(dir)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
