package io.otpstream.api.gateway;

import io.otpstream.common.kafka.KafkaSettings;
import io.otpstream.common.kafka.TopicFollower;
import io.otpstream.common.secret.Secrets;
import io.otpstream.schemas.topics.TopicSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Which DPoP {@code jti}s have been used, on any api instance: the log of {@code otp.dpop.jti}
 * decides. An instance claims a jti by writing a record keyed by its SHA-256 (one key, one
 * partition, one order for every instance), waits until it has read its partition up to that
 * record, and the jti is its own only if the first claim of the key it read is that record. Every
 * instance follows the whole topic, so a proof used on one is refused on all the others, exactly,
 * with no window in which two can accept it. A claim is remembered for {@link #KEPT} from when it
 * was read, twice the session API's 60 s acceptance window of a proof's {@code iat}: a proof that
 * old is refused anyway. It lives with the gateway because only the gateway talks to Kafka.
 */
public final class DpopJtiLedger implements AutoCloseable {
  public static final Duration KEPT = Duration.ofMinutes(2);
  private static final Duration WAIT = Duration.ofSeconds(5);

  private record Claim(String id, Instant forgetAt) {}

  private final TopicSpec<String, String> topic;
  private final KafkaProducer<String, String> producer;
  private final TopicFollower<String> follower;
  private final Clock clock;
  private final Map<String, Claim> first = new ConcurrentHashMap<>();
  private final AtomicLong read = new AtomicLong();

  public DpopJtiLedger(KafkaSettings kafka, Clock clock) {
    this.topic = kafka.topics().dpopJti;
    this.clock = clock;
    Properties p = kafka.clientProperties("api-dpop-jti");
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    p.put(ProducerConfig.LINGER_MS_CONFIG, 0);
    this.producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer());
    this.follower =
        new TopicFollower<>(
            kafka, topic.name(), topic.valueSerde().deserializer(), this::apply, "otp-dpop-jti");
  }

  public DpopJtiLedger start() {
    follower.start();
    return this;
  }

  /**
   * Claims {@code jti}: true when this is its first use on any instance, false when it was used
   * before. Throws {@link GatewayUnavailableException} (503) when Kafka does not answer in time.
   */
  public boolean claim(String jti) {
    String key = Secrets.sha256Hex(jti);
    if (first.containsKey(key)) {
      return false;
    }
    String id = UUID.randomUUID().toString();
    try {
      RecordMetadata m =
          producer
              .send(new ProducerRecord<>(topic.name(), key, id))
              .get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
      follower.awaitApplied(
          Map.of(new TopicPartition(topic.name(), m.partition()), m.offset() + 1), WAIT);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new GatewayUnavailableException("interrupted while claiming a DPoP jti", e);
    } catch (ExecutionException | TimeoutException | IllegalStateException e) {
      throw new GatewayUnavailableException("cannot claim a DPoP jti", e);
    }
    Claim c = first.get(key);
    return c != null && c.id().equals(id);
  }

  private void apply(String key, String id) {
    if (id == null) {
      return;
    }
    Instant now = clock.instant();
    first.putIfAbsent(key, new Claim(id, now.plus(KEPT)));
    if (read.incrementAndGet() % 1_000 == 0) {
      first.values().removeIf(c -> c.forgetAt().isBefore(now));
    }
  }

  @Override
  public void close() {
    follower.close();
    producer.close(Duration.ofSeconds(5));
  }
}
