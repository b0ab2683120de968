package io.otpstream.bench.machine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The CPU time (user + system) a process has used so far, from {@code /proc/<pid>/stat} (Linux; NaN
 * elsewhere). The difference over a load step is what the step cost the server, whatever else the
 * shared machine was doing.
 */
public final class ProcessCpu {
  private static final double TICKS_PER_SECOND = 100; // USER_HZ on Linux

  private ProcessCpu() {}

  public static double seconds(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      // fields after the command name, which is in parentheses and may hold spaces
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / TICKS_PER_SECOND;
    } catch (IOException | RuntimeException e) {
      return Double.NaN;
    }
  }
}
