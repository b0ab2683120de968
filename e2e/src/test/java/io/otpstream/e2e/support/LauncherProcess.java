package io.otpstream.e2e.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One {@code otpstream <command>} in a JVM of its own, started from the launcher's classes with the
 * given environment, as a production deployment runs it (no dev mode). Standard output and standard
 * error go to files of their own, which stay for a reader.
 */
public final class LauncherProcess implements AutoCloseable {
  private final String name;
  private final Process process;
  private final Path out;
  private final Path err;

  private LauncherProcess(String name, Process process, Path out, Path err) {
    this.name = name;
    this.process = process;
    this.out = out;
    this.err = err;
  }

  /** Starts {@code otpstream args...} with {@code env} added to this JVM's environment. */
  public static LauncherProcess start(Map<String, String> env, String... args) {
    String name = String.join("-", args);
    try {
      Path out = Files.createTempFile("otp-" + name + "-", ".out");
      Path err = Files.createTempFile("otp-" + name + "-", ".err");
      List<String> command = new ArrayList<>();
      command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      command.add("-Xmx256m");
      command.add("-XX:TieredStopAtLevel=1");
      command.add("-cp");
      command.add(System.getProperty("java.class.path"));
      command.add("io.otpstream.launcher.Main");
      command.addAll(List.of(args));
      ProcessBuilder pb =
          new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
      pb.environment().putAll(env);
      System.out.println("otpstream " + name + ": output in " + out + " and " + err);
      return new LauncherProcess(name, pb.start(), out, err);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Waits until the process ends and returns its exit code. */
  public int awaitExit(Duration timeout) throws InterruptedException {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new AssertionError(name + " still runs after " + timeout + ":\n" + output());
    }
    return process.exitValue();
  }

  public boolean alive() {
    return process.isAlive();
  }

  /** The operating system's id of the process (to signal it: SIGSTOP, SIGCONT). */
  public long pid() {
    return process.pid();
  }

  /** SIGKILL: no clean stop, nothing closed; waits until the process is gone. */
  public void kill() throws InterruptedException {
    process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
  }

  public String stdout() {
    return read(out);
  }

  public String stderr() {
    return read(err);
  }

  /** Both streams, for a failure message. */
  public String output() {
    return "--- stdout of " + name + "\n" + stdout() + "--- stderr of " + name + "\n" + stderr();
  }

  /** A TCP port free now, for a process to listen on. */
  public static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** SIGTERM (the services close cleanly), then SIGKILL if it has not ended within 30 s. */
  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }
  }
}
