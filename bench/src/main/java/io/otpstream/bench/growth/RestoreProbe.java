package io.otpstream.bench.growth;

import io.otpstream.common.code.OtpCodes;
import io.otpstream.common.kafka.KafkaSettings;
import io.otpstream.common.secret.Secrets;
import io.otpstream.processor.topology.OtpTopology;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;

/**
 * A processor instance (the service's topology, under its application id) started on an empty state
 * folder with extra Kafka Streams settings, timed until its stores are restored: how restore
 * settings change the restore time. {@code ProcessorService} takes no extra Streams settings, so
 * its own ones that bear on a restore are repeated here (exactly-once v2, one thread, commit
 * interval 20 ms, poll 5 ms, replication 1).
 */
final class RestoreProbe {
  private RestoreProbe() {}

  /**
   * Seconds from start to the end of the last store's restore, with {@code extra} over the
   * service's settings.
   */
  static double secondsToRestored(
      KafkaSettings kafka,
      Secrets secrets,
      String applicationId,
      Path stateDir,
      Map<String, Object> extra)
      throws InterruptedException {
    Properties p = kafka.clientProperties("processor");
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
    p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toAbsolutePath().toString());
    p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 20);
    p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, 1);
    p.put(StreamsConfig.POLL_MS_CONFIG, 5);
    p.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, 1);
    p.put(StreamsConfig.ENSURE_EXPLICIT_INTERNAL_RESOURCE_NAMING_CONFIG, true);
    p.put(StreamsConfig.producerPrefix(ProducerConfig.RETRY_BACKOFF_MS_CONFIG), 5);
    p.put(StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG), 0);
    p.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
    p.put(StreamsConfig.consumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG), 10_000);
    p.putAll(extra);
    KafkaStreams streams =
        new KafkaStreams(OtpTopology.build(kafka.topics(), new OtpCodes(secrets)), p);
    Restores restores = new Restores();
    streams.setGlobalStateRestoreListener(restores);
    java.util.concurrent.atomic.AtomicLong runningAt = new java.util.concurrent.atomic.AtomicLong();
    streams.setStateListener(
        (now, before) -> {
          if (now == KafkaStreams.State.RUNNING) {
            runningAt.compareAndSet(0, System.nanoTime());
          }
        });
    long start = System.nanoTime();
    streams.start();
    long deadline = start + Duration.ofMinutes(30).toNanos();
    // RUNNING comes before the stores are restored (a state updater thread restores them), so
    // wait for the restorations too: started, all ended, none started again for 3 s
    while (streams.state() != KafkaStreams.State.RUNNING
        || !restores.quietSince(System.nanoTime() - 3_000_000_000L)) {
      if (System.nanoTime() > deadline || streams.state() == KafkaStreams.State.ERROR) {
        throw new IllegalStateException("not restored: " + streams.state());
      }
      Thread.sleep(20);
    }
    double secs = (restores.lastEnd() - start) / 1e9;
    System.out.printf(
        "   restored %,d records; RUNNING came %.1f s after the start%n",
        restores.records(), (runningAt.get() - start) / 1e9);
    streams.close(
        CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
            .withTimeout(Duration.ofSeconds(30)));
    return secs;
  }
}
