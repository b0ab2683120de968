package io.otpstream.bench.dispatch;

import io.otpstream.common.destination.SealedDestinations;
import io.otpstream.common.kafka.KafkaSettings;
import io.otpstream.common.secret.Secrets;
import io.otpstream.schemas.common.Channel;
import io.otpstream.schemas.delivery.DeliveryRequested;
import io.otpstream.schemas.topics.TopicSpec;
import io.otpstream.schemas.topics.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Delivery commands written in advance to a dispatcher's input topic, as the processor writes them
 * (one per channel of a session: delivery id {@code session:generation:channel}, sealed
 * destination, keyed by subject), each for its own session and destination, expiring in an hour.
 */
final class DeliveryFill {
  static final String APP = "dispatch";

  private DeliveryFill() {}

  /**
   * Writes {@code n} deliveries of {@code channel}; returns, when all are answered, how many were
   * acknowledged.
   */
  static long write(KafkaSettings kafka, Secrets secrets, Channel channel, long first, long n) {
    Topics topics = kafka.topics();
    TopicSpec<String, DeliveryRequested> topic =
        channel == Channel.SMS ? topics.deliverySms : topics.deliveryEmail;
    SealedDestinations sealed = new SealedDestinations(secrets);
    Properties p = kafka.clientProperties("bench-deliveries");
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.LINGER_MS_CONFIG, 20);
    p.put(ProducerConfig.BATCH_SIZE_CONFIG, 512 * 1024);
    AtomicLong acked = new AtomicLong();
    try (KafkaProducer<String, DeliveryRequested> producer =
        new KafkaProducer<>(p, topic.keySerde().serializer(), topic.valueSerde().serializer())) {
      Instant now = Instant.now();
      for (long i = first; i < first + n; i++) {
        String session = "ses_" + UUID.randomUUID().toString().replace("-", "");
        String subject = "sub_bench" + i;
        String to =
            channel == Channel.SMS
                ? String.format("+336%08d", i % 100_000_000)
                : "d" + i + "@dispatch.example";
        DeliveryRequested d =
            DeliveryRequested.newBuilder()
                .setDeliveryId(session + ":1:" + channel.name().toLowerCase(Locale.ROOT))
                .setSessionId(session)
                .setSubjectId(subject)
                .setAppId(APP)
                .setChannel(channel)
                .setDestination(sealed.seal(APP, to))
                .setGeneration(1)
                .setOtpLength(6)
                .setRequestedAt(now)
                .setExpiresAt(now.plus(Duration.ofHours(1)))
                .build();
        producer.send(
            new ProducerRecord<>(topic.name(), subject, d),
            (meta, e) -> {
              if (e == null) {
                acked.incrementAndGet();
              }
            });
      }
      producer.flush();
    }
    return acked.get();
  }
}
