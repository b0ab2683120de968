package io.otpstream.bench.limit;

import io.javalin.config.RoutesConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;

/**
 * Limit (b): {@code POST /limit/hop} produces the body (as the api does), one exactly-once Kafka
 * Streams hop copies it to an output topic (the processor's settings: exactly_once_v2, the same
 * commit interval, poll 5 ms, producer retry backoff 5 ms, one stream thread), and a read_committed
 * consumer (as the api's reply reader) completes the waiting request. Otpstream's send crosses two
 * such hops; its verify, one.
 */
final class HopLimit implements AutoCloseable {
  static final String PATH = "/limit/hop";

  private final String in;
  private final KafkaProducer<String, byte[]> producer;
  private final KafkaStreams streams;
  private final KafkaConsumer<String, byte[]> replies;
  private final Map<String, CompletableFuture<Void>> pending = new ConcurrentHashMap<>();
  private final Thread reader;
  private volatile boolean running = true;

  HopLimit(String bootstrap, String in, String out, int partitions, Path stateDir, int commitMs) {
    this.in = in;
    this.producer =
        new KafkaProducer<>(
            ProduceLimit.producerProperties(bootstrap, "bench-limit-hop"),
            new StringSerializer(),
            new ByteArraySerializer());
    StreamsBuilder b = new StreamsBuilder();
    b.stream(in, Consumed.with(Serdes.String(), Serdes.ByteArray()).withName("limit-hop-in"))
        .mapValues(v -> v, Named.as("limit-hop-copy"))
        .to(out, Produced.with(Serdes.String(), Serdes.ByteArray()).withName("limit-hop-out"));
    Properties p = new Properties();
    p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, "bench-limit-hop");
    p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, commitMs);
    p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, 1);
    p.put(StreamsConfig.POLL_MS_CONFIG, 5);
    p.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, 1);
    p.put(StreamsConfig.producerPrefix(ProducerConfig.RETRY_BACKOFF_MS_CONFIG), 5);
    p.put(StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG), 0);
    p.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
    this.streams = new KafkaStreams(b.build(), p);
    Properties cp = new Properties();
    cp.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    cp.put(ConsumerConfig.CLIENT_ID_CONFIG, "bench-limit-hop-replies");
    cp.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    cp.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    cp.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 50);
    this.replies = new KafkaConsumer<>(cp, new StringDeserializer(), new ByteArrayDeserializer());
    List<TopicPartition> outs = new java.util.ArrayList<>();
    for (int i = 0; i < partitions; i++) {
      outs.add(new TopicPartition(out, i));
    }
    replies.assign(outs);
    replies.seekToEnd(outs);
    outs.forEach(replies::position);
    this.reader = new Thread(this::readReplies, "bench-limit-hop-replies");
    reader.setDaemon(true);
  }

  /** Starts the hop and the reply reader; returns once the hop is RUNNING. */
  HopLimit start() throws InterruptedException {
    streams.start();
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
    while (streams.state() != KafkaStreams.State.RUNNING) {
      if (System.nanoTime() > deadline || !streams.state().isRunningOrRebalancing()) {
        throw new IllegalStateException("the limit hop did not start: " + streams.state());
      }
      Thread.sleep(50);
    }
    reader.start();
    return this;
  }

  void register(RoutesConfig routes) {
    routes.post(
        PATH,
        ctx -> {
          String id = UUID.randomUUID().toString();
          CompletableFuture<Void> reply = new CompletableFuture<>();
          pending.put(id, reply);
          producer.send(
              new ProducerRecord<>(in, id, ctx.bodyAsBytes()),
              (md, e) -> {
                if (e != null) {
                  reply.completeExceptionally(e);
                }
              });
          ctx.future(
              () ->
                  reply
                      .orTimeout(10, TimeUnit.SECONDS)
                      .whenComplete((v, e) -> pending.remove(id))
                      .thenRun(() -> ctx.result("{\"ok\":true}")));
        });
  }

  private void readReplies() {
    while (running) {
      for (ConsumerRecord<String, byte[]> r : replies.poll(Duration.ofMillis(200))) {
        CompletableFuture<Void> waiting = pending.get(r.key());
        if (waiting != null) {
          waiting.complete(null);
        }
      }
    }
    replies.close();
  }

  @Override
  public void close() {
    running = false;
    streams.close(Duration.ofSeconds(10));
    producer.close();
  }
}
