package io.otpstream.dispatcher.delivery;

import io.otpstream.common.code.OtpCodes;
import io.otpstream.common.kafka.KafkaSettings;
import io.otpstream.dispatcher.provider.DeliveryException;
import io.otpstream.dispatcher.provider.DeliveryProvider;
import io.otpstream.dispatcher.provider.OutgoingMessage;
import io.otpstream.dispatcher.template.MessageRenderer;
import io.otpstream.schemas.delivery.DeliveryRequested;
import io.otpstream.schemas.delivery.DeliveryState;
import io.otpstream.schemas.delivery.DeliveryStatus;
import io.otpstream.schemas.serde.AvroSerde;
import io.otpstream.schemas.topics.TopicSpec;
import io.otpstream.schemas.topics.Topics;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One dispatcher instance: a member of the channel's consumer group on its delivery topic. For
 * each DeliveryRequested it drops an expired one (recorded EXPIRED), otherwise derives the code,
 * renders the message, sends it through the provider, and reports a DeliveryStatus. Offsets are
 * committed after the statuses are written.
 */
public final class DeliveryWorker implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(DeliveryWorker.class);
  private static final int TRANSIENT_RETRIES = 3;

  /** Which channel this worker serves. */
  public record Config(KafkaSettings kafka, String channel, String groupId, Duration retryBackoff) {
  }

  private final Config config;
  private final TopicSpec<String, DeliveryRequested> topic;
  private final Topics topics;
  private final OtpCodes codes;
  private final MessageRenderer renderer;
  private final DeliveryProvider provider;
  private final Clock clock;
  private final KafkaConsumer<String, DeliveryRequested> consumer;
  private final KafkaProducer<String, SpecificRecord> producer;
  private final Thread thread;
  private volatile boolean running = true;

  public DeliveryWorker(Config config, TopicSpec<String, DeliveryRequested> topic, OtpCodes codes, MessageRenderer renderer,
                        DeliveryProvider provider, Clock clock) {
    this.config = config;
    this.topic = topic;
    this.topics = config.kafka().topics();
    this.codes = codes;
    this.renderer = renderer;
    this.provider = provider;
    this.clock = clock;
    Properties cp = config.kafka().clientProperties();
    cp.put(ConsumerConfig.GROUP_ID_CONFIG, config.groupId());
    cp.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    cp.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    cp.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    cp.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 50);
    cp.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 50);
    this.consumer = new KafkaConsumer<>(cp, new StringDeserializer(), topic.valueSerde().deserializer());
    Properties pp = config.kafka().clientProperties();
    pp.put(ProducerConfig.ACKS_CONFIG, "all");
    pp.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    pp.put(ProducerConfig.LINGER_MS_CONFIG, 0);
    this.producer = new KafkaProducer<>(pp, new StringSerializer(), AvroSerde.anyRecordSerializer());
    this.thread = new Thread(this::run, "otp-dispatcher-" + config.channel());
  }

  public void start() {
    thread.start();
  }

  private void run() {
    try {
      consumer.subscribe(List.of(topic.name()));
      while (running) {
        ConsumerRecords<String, DeliveryRequested> records;
        try {
          records = consumer.poll(Duration.ofMillis(200));
        } catch (RecordDeserializationException e) {
          log.warn("skipping an unreadable delivery at {} offset {}", e.topicPartition(), e.offset());
          consumer.seek(e.topicPartition(), e.offset() + 1);
          continue;
        }
        for (ConsumerRecord<String, DeliveryRequested> r : records) {
          if (r.value() != null) {
            try {
              handle(r.value());
            } catch (RuntimeException e) { // one bad delivery must not stop the others
              log.error("delivery {} failed unexpectedly", r.value().getDeliveryId(), e);
              report(r.value(), DeliveryState.FAILED, null, "internal error: " + e.getClass().getSimpleName(), 0);
              producer.send(new ProducerRecord<>(topics.deliveryDeadLetter.name(), r.value().getSubjectId(), r.value()));
            }
          }
        }
        if (!records.isEmpty()) {
          producer.flush();
          consumer.commitSync();
        }
      }
    } catch (WakeupException e) {
      // closing
    } catch (RuntimeException e) {
      log.error("dispatcher {} stopped", config.channel(), e);
    } finally {
      consumer.close();
    }
  }

  void handle(DeliveryRequested d) {
    Instant now = clock.instant();
    if (!now.isBefore(d.getExpiresAt())) {
      report(d, DeliveryState.EXPIRED, null, "code expired before it could be sent", 0);
      return;
    }
    String code = codes.code(d.getAppId(), d.getSessionId(), d.getGeneration(), d.getOtpLength());
    OutgoingMessage message = renderer.render(d, code, now);
    for (int attempt = 1; ; attempt++) {
      try {
        String id = provider.send(message);
        report(d, DeliveryState.SENT, id, null, attempt);
        return;
      } catch (DeliveryException e) {
        boolean last = e.permanent() || attempt > TRANSIENT_RETRIES || !clock.instant().isBefore(d.getExpiresAt());
        log.warn("delivery {} via {} failed (attempt {}, {}): {}", d.getDeliveryId(), provider.name(), attempt,
            e.permanent() ? "permanent" : "transient", e.getMessage());
        if (last) {
          report(d, DeliveryState.FAILED, null, e.getMessage(), attempt);
          producer.send(new ProducerRecord<>(topics.deliveryDeadLetter.name(), d.getSubjectId(), d));
          return;
        }
        sleep(config.retryBackoff().multipliedBy(attempt));
      }
    }
  }

  private void report(DeliveryRequested d, DeliveryState state, String providerId, String detail, int attempt) {
    DeliveryStatus status = DeliveryStatus.newBuilder()
        .setDeliveryId(d.getDeliveryId()).setSessionId(d.getSessionId()).setSubjectId(d.getSubjectId())
        .setAppId(d.getAppId()).setChannel(d.getChannel()).setState(state).setProvider(provider.name())
        .setProviderMessageId(providerId).setDetail(detail).setAttempt(attempt).setOccurredAt(clock.instant())
        .build();
    producer.send(new ProducerRecord<>(topics.deliveryStatus.name(), d.getSubjectId(), status));
    log.info("delivery {} {} via {}", d.getDeliveryId(), state, provider.name());
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    running = false;
    consumer.wakeup();
    try {
      thread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    producer.close(Duration.ofSeconds(5));
    provider.close();
  }
}
