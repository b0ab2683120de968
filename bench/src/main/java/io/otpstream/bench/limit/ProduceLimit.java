package io.otpstream.bench.limit;

import io.javalin.config.RoutesConfig;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Limit (a): {@code POST /limit/produce} writes the request body as one record with acks=all (an
 * idempotent producer without linger, as the api's) and answers 200 once the broker acknowledged
 * it. Nothing otpstream does for a send can cost less than this on the same broker.
 */
final class ProduceLimit implements AutoCloseable {
  static final String PATH = "/limit/produce";

  private final String topic;
  private final KafkaProducer<String, byte[]> producer;

  ProduceLimit(String bootstrap, String topic) {
    this.topic = topic;
    this.producer =
        new KafkaProducer<>(
            producerProperties(bootstrap, "bench-limit-produce"),
            new StringSerializer(),
            new ByteArraySerializer());
  }

  /** The api's producer settings (CommandGateway): acks=all, idempotent, linger 0. */
  static Properties producerProperties(String bootstrap, String clientId) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    p.put(ProducerConfig.LINGER_MS_CONFIG, 0);
    return p;
  }

  void register(RoutesConfig routes) {
    routes.post(
        PATH,
        ctx -> {
          CompletableFuture<Void> acked = new CompletableFuture<>();
          producer.send(
              new ProducerRecord<>(topic, UUID.randomUUID().toString(), ctx.bodyAsBytes()),
              (md, e) -> {
                if (e != null) {
                  acked.completeExceptionally(e);
                } else {
                  acked.complete(null);
                }
              });
          ctx.future(() -> acked.thenRun(() -> ctx.result("{\"ok\":true}")));
        });
  }

  @Override
  public void close() {
    producer.close();
  }
}
