package io.otpstream.schemas.serde;

import io.apicurio.registry.serde.Default4ByteIdHandler;
import io.apicurio.registry.serde.avro.AvroKafkaDeserializer;
import io.apicurio.registry.serde.avro.AvroKafkaSerializer;
import io.apicurio.registry.serde.avro.AvroSerdeConfig;
import io.apicurio.registry.serde.config.IdOption;
import io.apicurio.registry.serde.config.SerdeConfig;
import io.apicurio.registry.serde.strategy.TopicIdStrategy;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Registry mode: values in the Confluent wire format (magic byte 0, a 4-byte schema id, the Avro
 * binary body) through Apicurio's Kafka serdes. The id is the registry's content id, which is what
 * its Confluent-compatible API ({@code /apis/ccompat/v7}) serves as the schema id, so Confluent
 * clients, Kafka Connect converters and Kafka UIs read the topics as any other. Schemas go under
 * the usual subjects ({@code <topic>-value}, Apicurio's {@link TopicIdStrategy}, group {@code
 * default}); a writer registers its schema when it first writes a topic, and {@link
 * CompatibilityRules} gives that subject the BACKWARD rule, so the registry refuses a later version
 * older readers could not read.
 *
 * <p>Readers take both framings ({@link Framing}): registry values through Apicurio's deserializer
 * into the generated class (the writer's schema resolved into today's), single-object values
 * through {@link AvroSerde}, so a topic switched over mid-life still reads from its start.
 */
public final class RegistryFormat implements ValueFormat {
  private static final Map<String, RegistryFormat> BY_URL = new ConcurrentHashMap<>();

  private final String root;
  private final AvroKafkaSerializer<SpecificRecord> serializer = new AvroKafkaSerializer<>();
  private final AvroKafkaDeserializer<SpecificRecord> deserializer = new AvroKafkaDeserializer<>();
  private final CompatibilityRules rules;

  private RegistryFormat(String root) {
    this.root = root;
    this.rules = new CompatibilityRules(root);
    serializer.configure(config(root), false);
    deserializer.configure(config(root), false);
  }

  /** The one format of the registry at {@code url} in this process (see {@link #root}). */
  static RegistryFormat forUrl(String url) {
    return BY_URL.computeIfAbsent(root(url), RegistryFormat::new);
  }

  /**
   * The registry's root URL: {@code url} without a trailing slash or an API path ({@code
   * /apis/registry/v3}, {@code /apis/registry/v2}, {@code /apis/ccompat/v7}), which operators may
   * give.
   */
  public static String root(String url) {
    String u = url.strip();
    while (u.endsWith("/")) {
      u = u.substring(0, u.length() - 1);
    }
    int apis = u.indexOf("/apis/");
    return apis < 0 ? u : u.substring(0, apis);
  }

  private static Map<String, Object> config(String root) {
    return Map.of(
        SerdeConfig.REGISTRY_URL,
        root + "/apis/registry/v3",
        SerdeConfig.AUTO_REGISTER_ARTIFACT,
        true,
        SerdeConfig.AUTO_REGISTER_ARTIFACT_IF_EXISTS,
        "FIND_OR_CREATE_VERSION",
        SerdeConfig.ARTIFACT_RESOLVER_STRATEGY,
        TopicIdStrategy.class.getName(),
        SerdeConfig.ID_HANDLER,
        Default4ByteIdHandler.class.getName(),
        SerdeConfig.USE_ID,
        IdOption.contentId.name(),
        AvroSerdeConfig.USE_SPECIFIC_AVRO_READER,
        true);
  }

  public String root() {
    return root;
  }

  @Override
  public <T extends SpecificRecord> Serde<T> serde(Class<T> type) {
    AvroSerde<T> singleObject = AvroSerde.of(type);
    return Serdes.serdeFrom(
        (topic, record) -> record == null ? null : write(topic, record),
        (topic, bytes) -> bytes == null ? null : read(type, singleObject, topic, bytes));
  }

  @Override
  public Serializer<SpecificRecord> anySerializer() {
    return (topic, record) -> record == null ? null : write(topic, record);
  }

  @Override
  public String describe() {
    return "registry " + root;
  }

  private byte[] write(String topic, SpecificRecord record) {
    byte[] bytes;
    try {
      bytes = serializer.serialize(topic, record);
    } catch (RuntimeException e) {
      throw new SerializationException(
          "cannot write "
              + record.getSchema().getName()
              + " to "
              + topic
              + " through the schema registry at "
              + root
              + ": "
              + e.getMessage(),
          e);
    }
    rules.ensure(topic + "-value");
    return bytes;
  }

  private <T extends SpecificRecord> T read(
      Class<T> type, AvroSerde<T> singleObject, String topic, byte[] bytes) {
    if (Framing.of(bytes) != Framing.REGISTRY) {
      return singleObject.decode(bytes);
    }
    Object value;
    try {
      value = deserializer.deserialize(topic, bytes);
    } catch (RuntimeException e) {
      throw new SerializationException(
          "cannot read a "
              + type.getSimpleName()
              + " of schema id "
              + Framing.schemaId(bytes)
              + " from "
              + topic
              + " through the schema registry at "
              + root
              + ": "
              + e.getMessage(),
          e);
    }
    if (!type.isInstance(value)) {
      throw new SerializationException(
          "schema id "
              + Framing.schemaId(bytes)
              + " on "
              + topic
              + " is not a "
              + type.getSimpleName()
              + " schema");
    }
    return type.cast(value);
  }
}
