package io.otpstream.schemas.serde;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Avro single-object encoding (marker, writer-schema fingerprint, binary body) for generated
 * classes. Serializing writes the record's own schema; deserializing finds the writer schema in
 * {@link SchemaHistory} and reads into the current schema of {@code type}. Null in, null out;
 * failures become {@link SerializationException}.
 */
public final class AvroSerde<T extends SpecificRecord> implements Serde<T> {
  private static final Map<Schema, BinaryMessageEncoder<SpecificRecord>> ENCODERS =
      new ConcurrentHashMap<>();

  private final Class<T> type;
  private final BinaryMessageDecoder<T> decoder;

  private AvroSerde(Class<T> type, Schema readerSchema) {
    this.type = type;
    SpecificData data = SpecificData.getForSchema(readerSchema);
    this.decoder = new BinaryMessageDecoder<>(data, readerSchema, SchemaHistory.get().store());
  }

  public static <T extends SpecificRecord> AvroSerde<T> of(Class<T> type) {
    return new AvroSerde<>(type, SpecificData.get().getSchema(type));
  }

  /** Encodes any generated record with its own schema. */
  public static byte[] encode(SpecificRecord record) {
    BinaryMessageEncoder<SpecificRecord> encoder =
        ENCODERS.computeIfAbsent(
            record.getSchema(), s -> new BinaryMessageEncoder<>(SpecificData.getForSchema(s), s));
    try {
      ByteBuffer buffer = encoder.encode(record);
      byte[] bytes = new byte[buffer.remaining()];
      buffer.get(bytes);
      return bytes;
    } catch (IOException | RuntimeException e) {
      throw new SerializationException("cannot encode " + record.getSchema().getFullName(), e);
    }
  }

  public T decode(byte[] bytes) {
    if (Framing.of(bytes) == Framing.REGISTRY) {
      throw new SerializationException(
          "cannot decode "
              + type.getSimpleName()
              + ": it was written in a schema registry's framing (schema id "
              + Framing.schemaId(bytes)
              + "); set OTP_SCHEMA_REGISTRY_URL to read it");
    }
    try {
      return decoder.decode(bytes);
    } catch (IOException | RuntimeException e) {
      throw new SerializationException(
          "cannot decode "
              + type.getSimpleName()
              + " (unknown writer schema or corrupt single-object encoding)",
          e);
    }
  }

  @Override
  public Serializer<T> serializer() {
    return (topic, record) -> record == null ? null : encode(record);
  }

  @Override
  public Deserializer<T> deserializer() {
    return (topic, bytes) -> bytes == null ? null : decode(bytes);
  }

  /** A serializer for any generated record, for sinks that carry several types. */
  public static Serializer<SpecificRecord> anyRecordSerializer() {
    return (topic, record) -> record == null ? null : encode(record);
  }
}
