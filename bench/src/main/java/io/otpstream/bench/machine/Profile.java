package io.otpstream.bench.machine;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A JFR recording of a child JVM for the length of one load step, started and stopped with {@code
 * jcmd} (the JDK's own, beside this JVM's {@code java}), with the JDK's {@code default} settings
 * (meant for production, about 1 % overhead): CPU samples every 20 ms of Java code and sampled
 * allocations. The {@code profile} settings (10 ms, more events) slowed the step down several times
 * on a loaded 2-core machine.
 */
final class Profile implements AutoCloseable {
  private final long pid;
  private final Path file;

  private Profile(long pid, Path file) {
    this.pid = pid;
    this.file = file;
  }

  /**
   * Starts recording {@code pid} once {@code warm} has run under a first, discarded recording: the
   * first recording of a JVM instruments the JDK's event classes, and the JIT then recompiles for a
   * while (C2 was the busiest thread of one such recording), which is not the service's hot path.
   */
  static Profile start(long pid, Path file, Warm warm) throws Exception {
    jcmd(pid, "JFR.start", "name=loadbench-warm", "settings=default");
    warm.run();
    jcmd(pid, "JFR.start", "name=loadbench", "settings=default");
    jcmd(pid, "JFR.stop", "name=loadbench-warm");
    return new Profile(pid, file);
  }

  /** Load run under the discarded first recording. */
  interface Warm {
    void run() throws Exception;
  }

  Path file() {
    return file;
  }

  @Override
  public void close() throws IOException, InterruptedException {
    jcmd(pid, "JFR.stop", "name=loadbench", "filename=" + file.toAbsolutePath());
  }

  private static void jcmd(long pid, String... command) throws IOException, InterruptedException {
    List<String> cmd = new java.util.ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString());
    cmd.add(Long.toString(pid));
    cmd.addAll(List.of(command));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes());
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IOException("jcmd " + String.join(" ", command) + " failed: " + output);
    }
  }
}
