package io.otpstream.bench.machine;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A JFR recording of a child JVM for the length of one load step, started and stopped with {@code
 * jcmd} (the JDK's own, beside this JVM's {@code java}), with the JDK's {@code profile} settings:
 * CPU samples every 10 ms of Java code and sampled allocations.
 */
final class Profile implements AutoCloseable {
  private final long pid;
  private final Path file;

  private Profile(long pid, Path file) {
    this.pid = pid;
    this.file = file;
  }

  static Profile start(long pid, Path file) throws IOException, InterruptedException {
    jcmd(pid, "JFR.start", "name=loadbench", "settings=profile");
    return new Profile(pid, file);
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
