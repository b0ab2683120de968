package io.otpstream.schemas.serde;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * How the values of the topic catalogue are written: the one place that decides the framing. With
 * no registry, Avro single-object encoding ({@link AvroSerde}); with a registry URL, the Confluent
 * wire format through Apicurio's serdes ({@link RegistryFormat}), whose readers also take
 * single-object values, so a topic can be switched over without a gap. State stores and their
 * changelogs are internal and always single-object.
 */
public interface ValueFormat {
  /** The serde of one value type; its serializer writes this format. */
  <T extends SpecificRecord> Serde<T> serde(Class<T> type);

  /** A serializer for any generated record, for writers (sinks) that carry several types. */
  Serializer<SpecificRecord> anySerializer();

  /** What it writes, for logs: {@code single-object} or {@code registry <url>}. */
  String describe();

  /** Single-object encoding: the default, needs nothing but the schemas this module ships. */
  static ValueFormat singleObject() {
    return SingleObjectFormat.INSTANCE;
  }

  /**
   * The format for a registry at {@code registryUrl}: single-object when it is null or blank, else
   * the registry's framing (one client per URL in the process).
   */
  static ValueFormat forRegistry(String registryUrl) {
    return registryUrl == null || registryUrl.isBlank()
        ? singleObject()
        : RegistryFormat.forUrl(registryUrl);
  }
}
