package io.otpstream.schemas.serde;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.otpstream.schemas.common.Channel;
import io.otpstream.schemas.decision.OtpDecision;
import io.otpstream.schemas.decision.Outcome;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class AvroSerdeTest {
  private final AvroSerde<OtpDecision> serde = AvroSerde.of(OtpDecision.class);

  private static OtpDecision decision() {
    return OtpDecision.newBuilder()
        .setRequestId("r-1")
        .setSessionId("s-1")
        .setOutcome(Outcome.STARTED)
        .setDecidedAt(Instant.ofEpochMilli(1_700_000_000_000L))
        .setExpiresAt(Instant.ofEpochMilli(1_700_000_600_000L))
        .setChannels(List.of(Channel.SMS, Channel.EMAIL))
        .build();
  }

  @Test
  void round_trips_with_single_object_framing() {
    byte[] bytes = serde.serializer().serialize("t", decision());
    assertEquals((byte) 0xC3, bytes[0]);
    assertEquals((byte) 0x01, bytes[1]);
    long fingerprint =
        ByteBuffer.wrap(bytes, 2, 8).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong();
    assertEquals(
        SchemaNormalization.parsingFingerprint64(OtpDecision.getClassSchema()), fingerprint);
    assertEquals(decision(), serde.deserializer().deserialize("t", bytes));
  }

  @Test
  void null_in_null_out() {
    assertNull(serde.serializer().serialize("t", null));
    assertNull(serde.deserializer().deserialize("t", null));
  }

  @Test
  void an_unknown_writer_schema_or_garbage_is_a_serialization_exception() {
    byte[] bytes = serde.serializer().serialize("t", decision());
    bytes[5] ^= 0x5A; // corrupt the fingerprint
    assertThrows(SerializationException.class, () -> serde.deserializer().deserialize("t", bytes));
    assertThrows(
        SerializationException.class,
        () -> serde.deserializer().deserialize("t", new byte[] {1, 2, 3}));
  }

  @Test
  void published_history_parses_into_the_store() {
    for (SchemaHistory.Published p : SchemaHistory.get().versions()) {
      Schema found =
          SchemaHistory.get()
              .store()
              .findByFingerprint(SchemaNormalization.parsingFingerprint64(p.schema()));
      assertEquals(p.schema(), found, p.file());
    }
  }
}
