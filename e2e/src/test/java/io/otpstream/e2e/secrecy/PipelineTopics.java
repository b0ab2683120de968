package io.otpstream.e2e.secrecy;

import io.otpstream.common.code.OtpCodes;
import io.otpstream.e2e.support.TestPipeline;
import io.otpstream.processor.topology.Names;
import io.otpstream.processor.topology.OtpTopology;
import io.otpstream.schemas.decision.OtpDecision;
import io.otpstream.schemas.limits.SlidingWindow;
import io.otpstream.schemas.quota.QuotaState;
import io.otpstream.schemas.serde.AvroSerde;
import io.otpstream.schemas.session.SessionState;
import io.otpstream.schemas.topics.TopicSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.TopologyDescription;

/**
 * Every topic of one test pipeline as the broker lists it (the catalogue's topics under the
 * pipeline's prefix and the processor's changelogs under its application id), each with the
 * deserializer of its values: the catalogue's serde for its topics, the store's value serde (as
 * {@link OtpTopology} declares it) for a changelog. A topic it cannot read is an error.
 */
final class PipelineTopics {
  /** The value serde of each store of the topology, as {@link OtpTopology} builds it. */
  static final Map<String, Deserializer<?>> STORE_VALUES =
      Map.of(
          Names.QUOTA_STORE, AvroSerde.of(QuotaState.class).deserializer(),
          Names.QUOTA_IDEMPOTENCY_STORE, AvroSerde.of(OtpDecision.class).deserializer(),
          Names.NUMBER_BLOCK_WINDOW_STORE, AvroSerde.of(SlidingWindow.class).deserializer(),
          Names.IP_WINDOW_STORE, AvroSerde.of(SlidingWindow.class).deserializer(),
          Names.IP_IDEMPOTENCY_STORE, AvroSerde.of(OtpDecision.class).deserializer(),
          Names.SESSION_STORE, AvroSerde.of(SessionState.class).deserializer(),
          Names.SUBJECT_WINDOW_STORE, AvroSerde.of(SlidingWindow.class).deserializer(),
          Names.SESSION_IDEMPOTENCY_STORE, AvroSerde.of(OtpDecision.class).deserializer(),
          Names.SUBJECT_SESSION_STORE, Serdes.String().deserializer(),
          Names.USED_CHALLENGE_STORE, Serdes.Long().deserializer());

  /** A topic and how its values read. */
  record Topic(String name, Deserializer<?> values) {}

  private PipelineTopics() {}

  /** The pipeline's topics on the broker, sorted, each with its value deserializer. */
  static List<Topic> of(TestPipeline pipeline) throws Exception {
    Map<String, Deserializer<?>> catalogue = new HashMap<>();
    for (TopicSpec<?, ?> spec : pipeline.kafka.topics().all()) {
      catalogue.put(spec.name(), spec.valueSerde().deserializer());
    }
    String changelogs = pipeline.applicationId + "-";
    try (Admin admin = Admin.create(pipeline.kafka.clientProperties())) {
      return admin.listTopics().names().get().stream()
          .filter(t -> t.startsWith(pipeline.kafka.topics().prefix()) || t.startsWith(changelogs))
          .sorted()
          .map(
              t ->
                  new Topic(
                      t, catalogue.containsKey(t) ? catalogue.get(t) : storeValues(t, changelogs)))
          .toList();
    }
  }

  /** The changelog topic of each store of the pipeline's topology. */
  static Set<String> changelogs(TestPipeline pipeline) {
    Set<String> names = new TreeSet<>();
    TopologyDescription d =
        OtpTopology.build(pipeline.kafka.topics(), new OtpCodes(pipeline.secrets)).describe();
    for (TopologyDescription.Subtopology s : d.subtopologies()) {
      for (TopologyDescription.Node n : s.nodes()) {
        if (n instanceof TopologyDescription.Processor p) {
          p.stores()
              .forEach(store -> names.add(pipeline.applicationId + "-" + store + "-changelog"));
        }
      }
    }
    return names;
  }

  /** Every committed record of {@code topics}, up to their current ends, read by one consumer. */
  static List<ConsumerRecord<byte[], byte[]>> readAll(String bootstrap, List<String> topics) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
    p.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 10); // see TopicReader
    try (KafkaConsumer<byte[], byte[]> c =
        new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> parts = new ArrayList<>();
      for (String topic : topics) {
        c.partitionsFor(topic, Duration.ofSeconds(10))
            .forEach(i -> parts.add(new TopicPartition(topic, i.partition())));
      }
      c.assign(parts);
      c.seekToBeginning(parts);
      Map<TopicPartition, Long> end = c.endOffsets(parts);
      List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (parts.stream().anyMatch(tp -> c.position(tp) < end.get(tp))) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("could not read the pipeline's topics to their ends");
        }
        c.poll(Duration.ofMillis(100)).forEach(out::add);
      }
      return out;
    }
  }

  private static Deserializer<?> storeValues(String topic, String prefix) {
    if (!topic.endsWith("-changelog")) {
      throw new AssertionError(
          topic + " is neither a catalogue topic nor a changelog: say how its values read");
    }
    String store = topic.substring(prefix.length(), topic.length() - "-changelog".length());
    Deserializer<?> d = STORE_VALUES.get(store);
    if (d == null) {
      throw new AssertionError(
          "store " + store + " has no value serde here: add the one OtpTopology gives it");
    }
    return d;
  }
}
