package io.otpstream.processor;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.otpstream.common.code.OtpCodes;
import io.otpstream.common.kafka.KafkaSettings;
import io.otpstream.common.secret.Secrets;
import io.otpstream.common.settings.Env;
import io.otpstream.processor.metrics.DecisionCounter;
import io.otpstream.processor.topology.OtpTopology;
import io.otpstream.schemas.apps.AppSettings;
import io.otpstream.schemas.topics.Replication;
import io.otpstream.schemas.topics.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.LogAndContinueExceptionHandler;
import org.apache.kafka.streams.errors.LogAndContinueProcessingExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The stream-processor service: runs {@link OtpTopology} with exactly_once_v2 and owns its
 * lifecycle. Ready only while the Streams state is RUNNING.
 */
public final class ProcessorService implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ProcessorService.class);

  /** The commit interval, which sets exactly-once latency per hop (DESIGN §9). */
  public static final String COMMIT_INTERVAL_VARIABLE = "OTP_COMMIT_INTERVAL_MS";

  /**
   * How many other instances keep a warm copy of each task's stores (Kafka Streams standby
   * replicas), so that when an instance dies another takes its tasks over without restoring them
   * from the changelogs first (RELIABILITY.md, fault b).
   */
  public static final String STANDBY_REPLICAS_VARIABLE = "OTP_STANDBY_REPLICAS";

  /** How many stream threads an instance runs its tasks on (Kafka Streams num.stream.threads). */
  public static final String STREAM_THREADS_VARIABLE = "OTP_STREAM_THREADS";

  /**
   * How the processor runs; {@link #of} reads {@code OTP_STREAM_THREADS} (1-16, 1), {@code
   * OTP_COMMIT_INTERVAL_MS} (1-60000, 20) and {@code OTP_STANDBY_REPLICAS} (0-3, 1).
   */
  public record Config(
      KafkaSettings kafka,
      String applicationId,
      Path stateDir,
      int threads,
      long commitIntervalMs,
      int minInsyncReplicas,
      int standbyReplicas) {
    public static Config of(KafkaSettings kafka, String applicationId, Path stateDir) {
      return of(kafka, applicationId, stateDir, System.getenv());
    }

    /** With the stream threads, commit interval and standby replicas of {@code env}. */
    public static Config of(
        KafkaSettings kafka, String applicationId, Path stateDir, Map<String, String> env) {
      return new Config(
          kafka,
          applicationId,
          stateDir,
          Env.integer(env, STREAM_THREADS_VARIABLE, 1, 1, 16),
          Env.integer(env, COMMIT_INTERVAL_VARIABLE, 20, 1, 60_000),
          Replication.minInsyncFor(kafka.replicationFactor()),
          Env.integer(env, STANDBY_REPLICAS_VARIABLE, 1, 0, 3));
    }

    /** {@code min.insync.replicas} of the changelog and repartition topics Streams creates. */
    public Config withMinInsyncReplicas(int minInsync) {
      return new Config(
          kafka, applicationId, stateDir, threads, commitIntervalMs, minInsync, standbyReplicas);
    }
  }

  private final KafkaStreams streams;
  private final KafkaStreamsMetrics streamsMetrics;

  /** Without meters (tests). */
  public ProcessorService(Config config, Secrets secrets) {
    this(
        config,
        OtpTopology.build(config.kafka().topics(), new OtpCodes(secrets)),
        Time.SYSTEM,
        null);
  }

  /**
   * Counts its decisions ({@code otp.decisions}) into {@code registry} and binds the Kafka Streams
   * client's own metrics there (Micrometer's Kafka Streams binder).
   */
  public ProcessorService(Config config, Secrets secrets, MeterRegistry registry) {
    this(
        config,
        OtpTopology.build(
            config.kafka().topics(),
            config.kafka().topics(),
            new OtpCodes(secrets),
            new DecisionCounter(registry)),
        Time.SYSTEM,
        registry);
  }

  /**
   * Re-decides the recorded topics of {@code recorded} under {@code config}'s (scratch) application
   * id, writing every output to {@code config}'s topics: each stage reads its own recorded input,
   * so its decisions can be compared one by one with the recorded ones, or, with other settings,
   * show what a changed policy would have decided.
   */
  public static ProcessorService replay(Config config, Topics recorded, Secrets secrets) {
    return replay(config, recorded, secrets, Time.SYSTEM);
  }

  /**
   * A replay whose Kafka Streams runs on {@code wallClock}: the time of its poll, commit and
   * punctuation schedules and of {@code ProcessorContext.currentSystemTimeMs()}. Decisions take
   * their time from the recorded commands and housekeeping runs on stream time, so a replay run
   * with this clock moved on by days decides alike; one that differs read the wall clock.
   */
  public static ProcessorService replay(
      Config config, Topics recorded, Secrets secrets, Time wallClock) {
    return new ProcessorService(
        config,
        OtpTopology.build(recorded, config.kafka().topics(), new OtpCodes(secrets)),
        wallClock,
        null);
  }

  /**
   * A backtest: a replay (as {@link #replay(Config, Topics, Secrets)}) that decides every command
   * with the settings {@code settings} makes of the ones it carried.
   */
  public static ProcessorService backtest(
      Config config, Topics recorded, Secrets secrets, UnaryOperator<AppSettings> settings) {
    return new ProcessorService(
        config,
        OtpTopology.backtest(recorded, config.kafka().topics(), new OtpCodes(secrets), settings),
        Time.SYSTEM,
        null);
  }

  private ProcessorService(
      Config config, Topology topology, Time wallClock, MeterRegistry registry) {
    Properties p = config.kafka().clientProperties("processor");
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, config.applicationId());
    p.put(StreamsConfig.STATE_DIR_CONFIG, config.stateDir().toAbsolutePath().toString());
    p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, config.commitIntervalMs());
    p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, config.threads());
    p.put(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, config.standbyReplicas());
    p.put(StreamsConfig.POLL_MS_CONFIG, 5);
    p.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, (int) config.kafka().replicationFactor());
    p.put(
        StreamsConfig.topicPrefix(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG),
        Integer.toString(config.minInsyncReplicas()));
    p.put(StreamsConfig.ENSURE_EXPLICIT_INTERNAL_RESOURCE_NAMING_CONFIG, true);
    p.put(
        StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG,
        LogAndContinueExceptionHandler.class);
    // A command that makes a processor throw is logged and skipped (its client times out with 503):
    // under exactly-once, failing the thread would replay the same record forever.
    p.put(
        StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG,
        LogAndContinueProcessingExceptionHandler.class);
    p.put(StreamsConfig.producerPrefix(ProducerConfig.RETRY_BACKOFF_MS_CONFIG), 5);
    p.put(StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG), 0);
    p.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
    p.put(StreamsConfig.consumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG), 10_000);
    this.streams = new KafkaStreams(topology, p, wallClock);
    streams.setStateListener((now, before) -> log.info("processor state {} -> {}", before, now));
    streams.setUncaughtExceptionHandler(
        e -> {
          log.error("stream thread failed; replacing it", e);
          return org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler
              .StreamThreadExceptionResponse.REPLACE_THREAD;
        });
    this.streamsMetrics = registry == null ? null : new KafkaStreamsMetrics(streams);
    if (streamsMetrics != null) {
      streamsMetrics.bindTo(registry);
    }
  }

  public void start() {
    streams.start();
  }

  public boolean ready() {
    return streams.state() == KafkaStreams.State.RUNNING;
  }

  /**
   * Is the Streams client still alive? False once it has failed (ERROR) or been closed: only a
   * restart brings it back. A failed stream thread is replaced, so only the client's end counts.
   */
  public boolean live() {
    return switch (streams.state()) {
      case PENDING_ERROR, ERROR, PENDING_SHUTDOWN, NOT_RUNNING -> false;
      default -> true;
    };
  }

  public KafkaStreams.State state() {
    return streams.state();
  }

  /**
   * The input partitions of the tasks this instance runs as active (not standby): the keys it
   * decides now.
   */
  public Set<TopicPartition> activePartitions() {
    return streams.metadataForLocalThreads().stream()
        .flatMap(t -> t.activeTasks().stream())
        .flatMap(t -> t.topicPartitions().stream())
        .collect(Collectors.toUnmodifiableSet());
  }

  @Override
  public void close() {
    // Leave the group so a restart (or another instance) takes the tasks over at once.
    streams.close(
        CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
            .withTimeout(Duration.ofSeconds(30)));
    if (streamsMetrics != null) {
      streamsMetrics.close();
    }
  }
}
