package io.otpstream.e2e.support;

import io.otpstream.common.kafka.KafkaSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A stream processor in a JVM of its own ({@code otpstream processor}, as in production), so a test
 * can kill it hard (SIGKILL: no commit, no leaving the group, its open transaction left to time
 * out) and watch another instance take its tasks over.
 */
public final class ProcessorProcess implements AutoCloseable {
  private final Process process;
  private final Path log;
  private final Path state;

  private ProcessorProcess(Process process, Path log, Path state) {
    this.process = process;
    this.log = log;
    this.state = state;
  }

  /**
   * Starts a processor of {@code applicationId} on {@code kafka}'s topics with the master secret
   * {@code secretBase64}.
   */
  public static ProcessorProcess start(
      KafkaSettings kafka, String applicationId, String secretBase64) throws IOException {
    Path log = Files.createTempFile("otp-processor-", ".log");
    Path state = Files.createTempDirectory("otp-processor-state-");
    ProcessBuilder pb =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m",
                "-Dorg.apache.avro.SERIALIZABLE_PACKAGES=java.lang,java.math,java.io,java.net,org.apache.avro.util,io.otpstream",
                "-cp",
                System.getProperty("java.class.path"),
                "io.otpstream.launcher.Main",
                "processor")
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    Map<String, String> env = pb.environment();
    env.put("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
    env.put("OTP_TOPIC_PREFIX", kafka.topics().prefix());
    env.put("OTP_SECRET", secretBase64);
    env.put("OTP_APPLICATION_ID", applicationId);
    env.put("OTP_STATE_DIR", state.toString());
    env.put("OTP_HEALTH_PORT", "0");
    System.out.println("processor process log: " + log);
    return new ProcessorProcess(pb.start(), log, state);
  }

  /** SIGKILL, and wait until the process is gone. */
  public void kill() throws InterruptedException {
    process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
  }

  public boolean alive() {
    return process.isAlive();
  }

  public Path log() {
    return log;
  }

  /** Kills the process if it still runs, and removes its state (its log stays for a reader). */
  @Override
  public void close() throws InterruptedException, IOException {
    kill();
    try (var files = Files.walk(state)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
