package io.otpstream.processor.support;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.otpstream.processor.topology.OtpTopology;
import io.otpstream.schemas.audit.AuditEvent;
import io.otpstream.schemas.command.OtpCommand;
import io.otpstream.schemas.decision.OtpDecision;
import io.otpstream.schemas.delivery.DeliveryRequested;
import io.otpstream.schemas.limits.SlidingWindow;
import io.otpstream.schemas.session.SessionState;
import io.otpstream.schemas.topics.Topics;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;

/**
 * The whole topology in a {@link TopologyTestDriver}, fed as the api feeds it: sends and resends on
 * otp.requests keyed by client IP, checks on otp.commands keyed by subject. With the same read and
 * write topics, what stage 1 admits to otp.commands flows on into stage 2 within one pipe. Record
 * timestamps are the commands' event times.
 */
public final class Rig implements AutoCloseable {
  public final TopologyTestDriver driver;
  private final TestInputTopic<String, OtpCommand> quota;
  private final TestInputTopic<String, OtpCommand> requests;
  private final TestInputTopic<String, OtpCommand> commands;
  private final TestOutputTopic<String, OtpCommand> admitted;
  private final TestOutputTopic<String, OtpDecision> replies;
  private final TestOutputTopic<String, AuditEvent> events;
  private final TestOutputTopic<String, DeliveryRequested> sms;
  private final TestOutputTopic<String, DeliveryRequested> email;
  private final org.apache.kafka.streams.TestInputTopic<
          String, io.otpstream.schemas.delivery.DeliveryStatus>
      statuses;

  public Rig(final Path stateDir) {
    this(stateDir, Topics.defaults(), Topics.defaults());
  }

  /**
   * {@code read} names the input topics, {@code write} the output ones (a replay writes scratch
   * topics).
   */
  public Rig(final Path stateDir, final Topics read, final Topics write) {
    final Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "otp-processor-test");
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    driver = new TopologyTestDriver(OtpTopology.build(read, write, Cmd.CODES), props);
    quota =
        driver.createInputTopic(
            read.quota.name(), Serdes.String().serializer(), read.quota.valueSerde().serializer());
    requests =
        driver.createInputTopic(
            read.requests.name(),
            Serdes.String().serializer(),
            read.requests.valueSerde().serializer());
    commands =
        driver.createInputTopic(
            read.commands.name(),
            Serdes.String().serializer(),
            read.commands.valueSerde().serializer());
    statuses =
        driver.createInputTopic(
            read.deliveryStatus.name(),
            Serdes.String().serializer(),
            read.deliveryStatus.valueSerde().serializer());
    admitted =
        driver.createOutputTopic(
            write.commands.name(),
            Serdes.String().deserializer(),
            write.commands.valueSerde().deserializer());
    replies =
        driver.createOutputTopic(
            write.replies.name(),
            Serdes.String().deserializer(),
            write.replies.valueSerde().deserializer());
    events =
        driver.createOutputTopic(
            write.events.name(),
            Serdes.String().deserializer(),
            write.events.valueSerde().deserializer());
    sms =
        driver.createOutputTopic(
            write.deliverySms.name(),
            Serdes.String().deserializer(),
            write.deliverySms.valueSerde().deserializer());
    email =
        driver.createOutputTopic(
            write.deliveryEmail.name(),
            Serdes.String().deserializer(),
            write.deliveryEmail.valueSerde().deserializer());
  }

  /**
   * Pipes a send or resend into otp.quota, keyed by its app, as the api does for sends to a phone
   * (their number block is counted there), requests of apps with a quota and idempotent ones.
   */
  public Out quota(final OtpCommand command) {
    final var m = Cmd.metaOf(command);
    quota.pipeInput(new TestRecord<>(m.getAppId(), command, m.getOccurredAt()));
    return drain();
  }

  /** Pipes a send or resend into otp.requests, keyed by its client IP, as the api does. */
  public Out request(final OtpCommand command) {
    return request(Cmd.metaOf(command).getClientIp(), command);
  }

  public Out request(final String ipKey, final OtpCommand command) {
    return request(new TestRecord<>(ipKey, command, Cmd.metaOf(command).getOccurredAt()));
  }

  /** Pipes a recorded otp.requests record as it is (key, value, timestamp, headers). */
  public Out request(final TestRecord<String, OtpCommand> record) {
    requests.pipeInput(record);
    return drain();
  }

  /**
   * Pipes a command into otp.commands keyed by its subject (checks, as the api does; or stage-2
   * tests).
   */
  public Out command(final OtpCommand command) {
    return command(
        new TestRecord<>(Cmd.subjectOf(command), command, Cmd.metaOf(command).getOccurredAt()));
  }

  public Out command(final TestRecord<String, OtpCommand> record) {
    commands.pipeInput(record);
    return drain();
  }

  /** Pipes a dispatcher's DeliveryStatus into otp.delivery.status, keyed by its subject. */
  public Out status(final io.otpstream.schemas.delivery.DeliveryStatus status) {
    statuses.pipeInput(status.getSubjectId(), status, status.getOccurredAt());
    return drain();
  }

  /** Everything emitted since the last drain. */
  public Out drain() {
    return new Out(
        admitted.readRecordsToList(),
        replies.readRecordsToList(),
        events.readRecordsToList(),
        sms.readRecordsToList(),
        email.readRecordsToList());
  }

  public KeyValueStore<String, SessionState> sessions() {
    return driver.getKeyValueStore(io.otpstream.processor.topology.Names.SESSION_STORE);
  }

  public KeyValueStore<String, SlidingWindow> subjectWindows() {
    return driver.getKeyValueStore(io.otpstream.processor.topology.Names.SUBJECT_WINDOW_STORE);
  }

  public KeyValueStore<String, SlidingWindow> ipWindows() {
    return driver.getKeyValueStore(io.otpstream.processor.topology.Names.IP_WINDOW_STORE);
  }

  public static <V> List<String> keys(final KeyValueStore<String, V> store) {
    final List<String> out = new ArrayList<>();
    try (KeyValueIterator<String, V> it = store.all()) {
      it.forEachRemaining((KeyValue<String, V> kv) -> out.add(kv.key));
    }
    return out;
  }

  @Override
  public void close() {
    driver.close();
  }

  /** What one pipe emitted, topic by topic. */
  public record Out(
      List<TestRecord<String, OtpCommand>> admitted,
      List<TestRecord<String, OtpDecision>> replies,
      List<TestRecord<String, AuditEvent>> events,
      List<TestRecord<String, DeliveryRequested>> sms,
      List<TestRecord<String, DeliveryRequested>> email) {

    /** The one reply. */
    public OtpDecision reply() {
      assertEquals(1, replies.size(), () -> "replies: " + replies);
      return replies.get(0).value();
    }

    /** The one audit event. */
    public AuditEvent event() {
      assertEquals(1, events.size(), () -> "events: " + events);
      return events.get(0).value();
    }

    public List<AuditEvent> eventValues() {
      return events.stream().map(TestRecord::value).toList();
    }

    public List<DeliveryRequested> deliveries() {
      final List<DeliveryRequested> all = new ArrayList<>();
      sms.forEach(r -> all.add(r.value()));
      email.forEach(r -> all.add(r.value()));
      return all;
    }
  }
}
