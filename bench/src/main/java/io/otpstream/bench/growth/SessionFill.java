package io.otpstream.bench.growth;

import io.otpstream.api.address.ClientAddresses;
import io.otpstream.api.destination.CommandDestinations;
import io.otpstream.api.destination.Destinations;
import io.otpstream.api.otp.Caller;
import io.otpstream.api.otp.Commands;
import io.otpstream.api.subject.Subjects;
import io.otpstream.common.destination.SealedDestinations;
import io.otpstream.common.kafka.KafkaSettings;
import io.otpstream.common.secret.Secrets;
import io.otpstream.schemas.apps.AppSettings;
import io.otpstream.schemas.command.CommandMeta;
import io.otpstream.schemas.command.OtpCommand;
import io.otpstream.schemas.command.OtpRequested;
import io.otpstream.schemas.common.Channel;
import io.otpstream.schemas.topics.EntryStage;
import io.otpstream.schemas.topics.Topics;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Opens sessions fast, without HTTP: the same {@code OtpRequested} commands the api builds for a
 * sandbox email send ({@link Commands#meta}, {@link Commands#entry}, subject hashed, destination
 * sealed, the app's settings on the command), produced straight to the entry topic with the api's
 * serializer. Session {@code i} goes to its own mailbox from one of {@code i / 4}'s addresses, so
 * no per-subject or per-IP limit refuses it. Replies go to a partition no api instance reads.
 */
final class SessionFill implements AutoCloseable {
  /** The reply partition of filled sessions: the bench's api reads partition 0. */
  static final int UNREAD_REPLY_PARTITION = 5;

  private final Topics topics;
  private final AppSettings settings;
  private final Subjects subjects;
  private final ClientAddresses addresses;
  private final CommandDestinations destinations;
  private final Serializer<OtpCommand> values;
  private final KafkaProducer<String, byte[]> producer;

  SessionFill(KafkaSettings kafka, Secrets secrets, AppSettings settings) {
    this.topics = kafka.topics();
    this.settings = settings;
    this.subjects = new Subjects(secrets);
    this.addresses = new ClientAddresses(secrets, ClientAddresses.DEFAULT_IPV6_PREFIX);
    this.destinations = new CommandDestinations(new SealedDestinations(secrets));
    this.values = topics.commands.valueSerde().serializer();
    Properties p = kafka.clientProperties("bench-fill");
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    p.put(ProducerConfig.LINGER_MS_CONFIG, 20);
    p.put(ProducerConfig.BATCH_SIZE_CONFIG, 512 * 1024);
    p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "none");
    this.producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
  }

  /** Produces the sends of sessions {@code from} (inclusive) to {@code to} (exclusive). */
  void produce(long from, long to) {
    String app = settings.getAppId();
    for (long i = from; i < to; i++) {
      String email = Destinations.email("g" + i + "@growth.example").orElseThrow();
      Instant now = Instant.now();
      Caller caller =
          new Caller(app, true, addresses.source(app, FillAddresses.of(i / 4)), now, null);
      CommandMeta meta =
          Commands.meta(settings, caller, topics.replies.name(), UNREAD_REPLY_PARTITION);
      OtpRequested command =
          destinations
              .apply(OtpRequested.newBuilder(), app, null, email)
              .setMeta(meta)
              .setSessionId("ses_" + UUID.randomUUID().toString().replace("-", ""))
              .setSubjectId(subjects.subjectId(app, email))
              .setChannels(List.of(Channel.EMAIL))
              .build();
      EntryStage.Route route = Commands.entry(topics, command);
      String topic = route.topic().name();
      producer.send(
          new ProducerRecord<>(
              topic,
              null,
              now.toEpochMilli(),
              route.key(),
              values.serialize(topic, new OtpCommand(command))));
    }
    producer.flush();
  }

  @Override
  public void close() {
    producer.close();
  }
}
