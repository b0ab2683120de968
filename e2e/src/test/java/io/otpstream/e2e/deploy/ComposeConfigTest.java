package io.otpstream.e2e.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Docker Compose validates {@code docker-compose.yml} ({@code config -q}, no engine needed): the
 * compose plugin ({@code docker compose}) or Debian's {@code docker-compose} package, whichever is
 * installed. Skipped where neither is (install one with {@code apt-get install docker-compose}).
 */
class ComposeConfigTest {
  private static List<String> compose;

  @BeforeAll
  static void findCompose() {
    for (List<String> candidate :
        List.of(List.of("docker", "compose"), List.of("docker-compose"))) {
      List<String> version = new ArrayList<>(candidate);
      version.add("version");
      try {
        if (run(version, ComposeStackTest.ROOT).exit == 0) {
          compose = candidate;
          return;
        }
      } catch (IOException e) {
        // not installed: try the next one
      }
    }
  }

  private record Result(int exit, String output) {}

  private static Result run(List<String> command, Path dir) throws IOException {
    ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile());
    pb.redirectErrorStream(true);
    pb.environment().put("OTP_SECRET", "c2VjcmV0LW9mLXRoaXJ0eS10d28tYnl0ZXMtZm9yLWNmZw==");
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    try {
      if (!p.waitFor(120, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IOException(command + " did not end");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
    return new Result(p.exitValue(), out);
  }

  private static Result config(Path file) throws IOException {
    List<String> command = new ArrayList<>(compose);
    command.addAll(List.of("-f", file.toString(), "config", "-q"));
    return run(command, ComposeStackTest.ROOT);
  }

  @Test
  void docker_compose_accepts_the_compose_file() throws IOException {
    assumeTrue(compose != null, "neither `docker compose` nor `docker-compose` is installed");
    Result r = config(ComposeStackTest.ROOT.resolve("docker-compose.yml"));
    assertEquals(0, r.exit(), r.output());
  }

  @Test
  void docker_compose_rejects_a_misspelt_service_key(@TempDir Path dir) throws IOException {
    // the validation above can fail: the same file with one key misspelt
    assumeTrue(compose != null, "neither `docker compose` nor `docker-compose` is installed");
    String file = Files.readString(ComposeStackTest.ROOT.resolve("docker-compose.yml"));
    Path broken = dir.resolve("docker-compose.yml");
    Files.writeString(broken, file.replace("    stop_grace_period: 60s", "    stop_grace: 60s"));
    assertNotEquals(file, Files.readString(broken));
    assertNotEquals(0, config(broken).exit());
  }
}
