package io.otpstream.bench;

import io.otpstream.common.code.OtpCodes;
import io.otpstream.common.secret.Secrets;
import io.otpstream.common.settings.DefaultSettings;
import io.otpstream.processor.topology.Names;
import io.otpstream.processor.topology.OtpTopology;
import io.otpstream.schemas.command.CommandMeta;
import io.otpstream.schemas.command.OtpCommand;
import io.otpstream.schemas.command.OtpRequested;
import io.otpstream.schemas.common.Channel;
import io.otpstream.schemas.serde.AvroSerde;
import io.otpstream.schemas.topics.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * State store size per 100,000 sessions: runs the real topology (RocksDB stores) over 100k sends
 * from distinct subjects, prints entries and serialized bytes per store and the RocksDB folder
 * size; then advances stream time past expiry and shows housekeeping emptying the stores.
 *
 * <p>Run: {@code mvn -q -pl bench -am install -DskipTests && mvn -q -pl bench exec:exec
 * -Dbench.main=io.otpstream.bench.StoreSizeBench -Dbench.args=100000}
 */
public final class StoreSizeBench {
  private StoreSizeBench() {}

  public static void main(String[] args) throws Exception {
    int sessions =
        args.length > 0 && !args[0].isBlank() ? Integer.parseInt(args[0].strip()) : 100_000;
    Path state = Files.createTempDirectory("otp-store-bench");
    Properties p = new Properties();
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, "store-bench");
    p.put(StreamsConfig.STATE_DIR_CONFIG, state.toString());
    Topics topics = Topics.defaults();
    Secrets secrets = new Secrets(Secrets.randomBytes(32));
    Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
    try (TopologyTestDriver driver =
        new TopologyTestDriver(OtpTopology.build(topics, new OtpCodes(secrets)), p)) {
      TestInputTopic<String, OtpCommand> requests =
          driver.createInputTopic(
              topics.requests.name(),
              Serdes.String().serializer(),
              topics.requests.valueSerde().serializer());
      long start = System.nanoTime();
      for (int i = 0; i < sessions; i++) {
        Instant at = t0.plusMillis(i * 10L); // 100 sends/s of event time
        String ip = "10." + (i % 250) + "." + (i / 250 % 250) + ".1";
        CommandMeta meta =
            CommandMeta.newBuilder()
                .setRequestId("req_" + i)
                .setOccurredAt(at)
                .setAppId("bench")
                .setClientIp(ip)
                .setReplyTopic(topics.replies.name())
                .setReplyPartition(0)
                .setSettings(DefaultSettings.of("bench"))
                .build();
        OtpRequested send =
            OtpRequested.newBuilder()
                .setMeta(meta)
                .setSessionId("ses_" + i)
                .setSubjectId("sub_" + i)
                .setChannels(List.of(Channel.EMAIL))
                .setEmailTo("user" + i + "@example.com")
                .build();
        requests.pipeInput(ip, new OtpCommand(send), at.toEpochMilli());
      }
      double secs = (System.nanoTime() - start) / 1e9;
      System.out.printf(
          "%d sends through both stages in %.1f s (TopologyTestDriver, %.0f/s)%n",
          sessions, secs, sessions / secs);
      report(driver, state, "after " + sessions + " sessions");

      Instant end = t0.plusMillis(sessions * 10L);
      tick(requests, end.plus(Duration.ofHours(25)), 1);
      report(
          driver,
          state,
          "stream time 25 h later: sessions past expiry + 1 h purged; windows kept (7-day longest window)");
      tick(requests, end.plus(Duration.ofDays(7)).plus(Duration.ofHours(26)), 2);
      report(driver, state, "stream time 7 days + 26 h later: windows purged too");
    }
  }

  /**
   * Two sends from one IP, six minutes apart in event time: advances stream time past a
   * housekeeping run.
   */
  private static void tick(TestInputTopic<String, OtpCommand> requests, Instant at, int n) {
    for (int i = 0; i < 2; i++) {
      Instant t = at.plus(Duration.ofMinutes(6L * i));
      CommandMeta meta =
          CommandMeta.newBuilder()
              .setRequestId("req_tick" + n + i)
              .setOccurredAt(t)
              .setAppId("bench")
              .setClientIp("10.0.0.254")
              .setSettings(DefaultSettings.of("bench"))
              .build();
      OtpRequested tick =
          OtpRequested.newBuilder()
              .setMeta(meta)
              .setSessionId("ses_tick" + n + i)
              .setSubjectId("sub_tick" + n)
              .setChannels(List.of(Channel.EMAIL))
              .setEmailTo("tick@example.com")
              .build();
      requests.pipeInput("10.0.0.254", new OtpCommand(tick), t.toEpochMilli());
    }
  }

  private static void report(TopologyTestDriver driver, Path state, String when) throws Exception {
    System.out.println("-- " + when);
    long total = 0;
    for (String store :
        List.of(
            Names.SESSION_STORE,
            Names.SUBJECT_WINDOW_STORE,
            Names.SESSION_IDEMPOTENCY_STORE,
            Names.IP_WINDOW_STORE,
            Names.IP_IDEMPOTENCY_STORE)) {
      KeyValueStore<String, SpecificRecord> kv = driver.getKeyValueStore(store);
      long entries = 0;
      long bytes = 0;
      try (KeyValueIterator<String, SpecificRecord> it = kv.all()) {
        while (it.hasNext()) {
          var e = it.next();
          entries++;
          bytes +=
              e.key.getBytes(java.nio.charset.StandardCharsets.UTF_8).length
                  + AvroSerde.encode(e.value).length;
        }
      }
      total += bytes;
      System.out.printf(
          "  %-26s %9d entries %12d bytes (key + value, serialized)%n", store, entries, bytes);
    }
    long disk;
    try (Stream<Path> files = Files.walk(state)) {
      disk = files.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
    }
    System.out.printf(
        "  %-26s %9s         %12d bytes; RocksDB folder on disk: %d bytes%n",
        "total", "", total, disk);
  }
}
