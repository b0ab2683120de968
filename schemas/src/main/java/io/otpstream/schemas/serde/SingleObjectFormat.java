package io.otpstream.schemas.serde;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/** The default value format: Avro single-object encoding, no registry needed. */
final class SingleObjectFormat implements ValueFormat {
  static final SingleObjectFormat INSTANCE = new SingleObjectFormat();

  private SingleObjectFormat() {}

  @Override
  public <T extends SpecificRecord> Serde<T> serde(Class<T> type) {
    return AvroSerde.of(type);
  }

  @Override
  public Serializer<SpecificRecord> anySerializer() {
    return AvroSerde.anyRecordSerializer();
  }

  @Override
  public String describe() {
    return "single-object";
  }
}
