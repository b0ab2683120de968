package io.otpstream.launcher.replay;

import io.otpstream.common.kafka.KafkaSettings;
import io.otpstream.common.secret.Secrets;
import io.otpstream.launcher.topics.TopicSetup;
import io.otpstream.processor.ProcessorService;
import io.otpstream.schemas.apps.AppSettings;
import io.otpstream.schemas.topics.Replication;
import io.otpstream.schemas.topics.TopicBootstrap;
import io.otpstream.schemas.topics.TopicSpec;
import io.otpstream.schemas.topics.Topics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.TopicPartition;

/**
 * One replay of the recorded log: the processor's topology under a scratch application id, reading
 * the recorded input topics (each stage its own) and writing only scratch topics under a prefix of
 * their own, which no dispatcher reads, so nothing is delivered and no production topic is written.
 * {@link #close()} deletes the scratch topics, the application id's internal topics and consumer
 * group, and the local state.
 */
final class ScratchReplay implements AutoCloseable {
  private static final Duration CHECK_EVERY = Duration.ofMillis(200);

  private final KafkaSettings kafka;
  private final KafkaSettings scratch;
  private final String applicationId;
  private final Path stateDir;
  private final Admin admin;

  private ScratchReplay(KafkaSettings kafka, String name) throws IOException {
    this.kafka = kafka;
    String run = UUID.randomUUID().toString().substring(0, 8);
    this.scratch = kafka.withPrefix(kafka.topicPrefix() + "replay-" + run + ".");
    this.applicationId = kafka.clientIdPrefix() + "-replay-" + name + "-" + run;
    this.stateDir = Files.createTempDirectory("otp-replay-");
    this.admin = Admin.create(kafka.clientProperties("replay-admin"));
  }

  /** The scratch id, also the prefix of the application's internal topics. */
  String applicationId() {
    return applicationId;
  }

  /** The scratch topics the replay writes. */
  Topics written() {
    return scratch.topics();
  }

  /**
   * Replays every recorded input up to where it stands now and returns once the replay has
   * processed it all and committed what it wrote.
   */
  static ScratchReplay run(
      KafkaSettings kafka, Secrets secrets, Map<String, String> env, String name, Duration timeout)
      throws Exception {
    return run(kafka, secrets, env, name, timeout, null);
  }

  /**
   * As {@link #run(KafkaSettings, Secrets, Map, String, Duration)}, deciding each command with the
   * settings {@code settings} makes of the ones it carried (a backtest); null: as recorded.
   */
  static ScratchReplay run(
      KafkaSettings kafka,
      Secrets secrets,
      Map<String, String> env,
      String name,
      Duration timeout,
      UnaryOperator<AppSettings> settings)
      throws Exception {
    ScratchReplay replay = new ScratchReplay(kafka, name);
    try {
      replay.replay(secrets, env, timeout, settings);
      return replay;
    } catch (Exception | Error e) {
      replay.close();
      throw e;
    }
  }

  private void replay(
      Secrets secrets,
      Map<String, String> env,
      Duration timeout,
      UnaryOperator<AppSettings> settings)
      throws Exception {
    Topics recorded = kafka.topics();
    Map<TopicPartition, Long> last;
    try (RecordedLog log = new RecordedLog(kafka, timeout)) {
      last =
          log.lastRecords(
              List.of(
                  recorded.quota.name(),
                  recorded.requests.name(),
                  recorded.commands.name(),
                  recorded.deliveryStatus.name()));
    }
    Replication replication = TopicSetup.fromEnv(env).replicationFor(TopicBootstrap.brokers(admin));
    TopicBootstrap.create(admin, keptWhileRunning(scratch.topics()), replication);
    ProcessorService.Config config =
        ProcessorService.Config.of(
                scratch.withReplicationFactor(replication.factor()), applicationId, stateDir, env)
            .withMinInsyncReplicas(replication.minInsyncReplicas());
    try (ProcessorService p =
        settings == null
            ? ProcessorService.replay(config, recorded, secrets)
            : ProcessorService.backtest(config, recorded, secrets, settings)) {
      p.start();
      long deadline = System.nanoTime() + timeout.toNanos();
      while (!CommittedOffsets.past(admin, applicationId, last)) {
        if (!p.live()) {
          throw new IllegalStateException("the replay's Kafka Streams stopped: " + p.state());
        }
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(
              "the replay did not process the recorded log within " + timeout);
        }
        Thread.sleep(CHECK_EVERY.toMillis());
      }
    }
  }

  /**
   * The scratch topics, kept forever while the replay runs: a replay writes records stamped with
   * the recorded times, which a retention of hours or days (that of {@code otp.replies} or the
   * delivery topics) would delete under the report's feet when the log is older than that.
   */
  private static List<TopicSpec<?, ?>> keptWhileRunning(Topics topics) {
    return topics.all().stream().map(ScratchReplay::forever).toList();
  }

  private static <K, V> TopicSpec<?, ?> forever(TopicSpec<K, V> t) {
    return new TopicSpec<>(
        t.name(), t.keySerde(), t.valueSerde(), t.partitions(), null, t.compacted());
  }

  @Override
  public void close() {
    try {
      Set<String> mine =
          admin.listTopics().names().get().stream()
              .filter(t -> t.startsWith(scratch.topicPrefix()) || t.startsWith(applicationId + "-"))
              .collect(Collectors.toSet());
      admin.deleteTopics(mine).all().get();
      admin.deleteConsumerGroups(List.of(applicationId)).all().get();
    } catch (ExecutionException e) {
      throw new IllegalStateException("could not clean up replay " + applicationId, e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      admin.close();
      deleteTree(stateDir);
    }
  }

  private static void deleteTree(Path dir) {
    try (Stream<Path> all = Files.walk(dir)) {
      all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
