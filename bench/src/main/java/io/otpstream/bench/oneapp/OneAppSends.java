package io.otpstream.bench.oneapp;

import io.otpstream.api.address.ClientAddresses;
import io.otpstream.api.destination.CommandDestinations;
import io.otpstream.api.destination.Destinations;
import io.otpstream.api.otp.Caller;
import io.otpstream.api.otp.Commands;
import io.otpstream.api.subject.Subjects;
import io.otpstream.bench.growth.FillAddresses;
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
 * One app's sandbox SMS sends, without HTTP: the {@code OtpRequested} commands the api builds
 * ({@link Commands#meta}, subject and number block hashed, destination sealed, the app's settings
 * on the command), produced straight to the quota stage's topic with the api's serializer. Send
 * {@code i} goes to its own number in its own block of 100, from its own address, so no limit
 * refuses it. Keyed as {@link EntryStage} keys it today ({@code byApp} false), or as every send to
 * a phone was keyed before: by app ({@code byApp} true), one partition for all.
 */
final class OneAppSends implements AutoCloseable {
  /** The reply partition: no api instance runs. */
  private static final int REPLY_PARTITION = 0;

  private final Topics topics;
  private final AppSettings settings;
  private final Subjects subjects;
  private final ClientAddresses addresses;
  private final CommandDestinations destinations;
  private final Serializer<OtpCommand> values;
  private final KafkaProducer<String, byte[]> producer;

  OneAppSends(KafkaSettings kafka, Secrets secrets, AppSettings settings) {
    this.topics = kafka.topics();
    this.settings = settings;
    this.subjects = new Subjects(secrets);
    this.addresses = new ClientAddresses(secrets, ClientAddresses.DEFAULT_IPV6_PREFIX);
    this.destinations = new CommandDestinations(new SealedDestinations(secrets));
    this.values = topics.quota.valueSerde().serializer();
    Properties p = kafka.clientProperties("bench-one-app");
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    p.put(ProducerConfig.LINGER_MS_CONFIG, 20);
    p.put(ProducerConfig.BATCH_SIZE_CONFIG, 512 * 1024);
    this.producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
  }

  /** Produces sends {@code from} (inclusive) to {@code to} (exclusive), and waits for the acks. */
  void produce(long from, long to, boolean byApp) {
    String app = settings.getAppId();
    for (long i = from; i < to; i++) {
      // +1 415 2xx xxxx: number i is in block i (its last two digits fixed)
      String phone = Destinations.phone(String.format("+1415%05d42", 20_000 + i)).orElseThrow();
      Instant now = Instant.now();
      Caller caller = new Caller(app, true, addresses.source(app, FillAddresses.of(i)), now, null);
      CommandMeta meta = Commands.meta(settings, caller, topics.replies.name(), REPLY_PARTITION);
      OtpRequested send =
          destinations
              .apply(OtpRequested.newBuilder(), app, phone, null)
              .setMeta(meta)
              .setSessionId("ses_" + UUID.randomUUID().toString().replace("-", ""))
              .setSubjectId(subjects.subjectId(app, phone))
              .setSmsBlockId(subjects.numberBlockId(app, phone))
              .setChannels(List.of(Channel.SMS))
              .build();
      EntryStage.Route route = Commands.entry(topics, send);
      String key = byApp ? app : route.key();
      String topic = route.topic().name();
      producer.send(
          new ProducerRecord<>(
              topic, null, now.toEpochMilli(), key, values.serialize(topic, new OtpCommand(send))));
    }
    producer.flush();
  }

  @Override
  public void close() {
    producer.close();
  }
}
