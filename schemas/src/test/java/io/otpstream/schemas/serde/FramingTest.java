package io.otpstream.schemas.serde;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.otpstream.schemas.decision.OtpDecision;
import io.otpstream.schemas.decision.Outcome;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class FramingTest {
  private static final byte[] REGISTRY_VALUE = {0, 0, 0, 1, 44, 2, 4, 6};

  @Test
  void the_first_bytes_tell_the_framing() {
    OtpDecision d =
        OtpDecision.newBuilder()
            .setRequestId("r-1")
            .setSessionId("s-1")
            .setOutcome(Outcome.STARTED)
            .setDecidedAt(Instant.ofEpochMilli(1_700_000_000_000L))
            .setExpiresAt(Instant.ofEpochMilli(1_700_000_600_000L))
            .setChannels(List.of())
            .build();
    assertEquals(Framing.SINGLE_OBJECT, Framing.of(AvroSerde.encode(d)));
    assertEquals(Framing.REGISTRY, Framing.of(REGISTRY_VALUE));
    assertEquals(300, Framing.schemaId(REGISTRY_VALUE));
    assertEquals(Framing.UNKNOWN, Framing.of(new byte[] {7, 1, 2, 3, 4, 5}));
    assertEquals(Framing.UNKNOWN, Framing.of(new byte[] {0, 1}));
  }

  @Test
  void single_object_readers_name_the_registry_variable_for_registry_values() {
    SerializationException e =
        assertThrows(
            SerializationException.class,
            () -> AvroSerde.of(OtpDecision.class).decode(REGISTRY_VALUE));
    assertTrue(e.getMessage().contains("schema id 300"), e.getMessage());
    assertTrue(e.getMessage().contains("OTP_SCHEMA_REGISTRY_URL"), e.getMessage());
  }

  @Test
  void no_registry_url_means_single_object_values() {
    assertSame(ValueFormat.singleObject(), ValueFormat.forRegistry(null));
    assertSame(ValueFormat.singleObject(), ValueFormat.forRegistry(" "));
    assertEquals("single-object", ValueFormat.forRegistry("").describe());
  }

  @Test
  void the_registry_root_drops_an_api_path() {
    assertEquals("http://r:8080", RegistryFormat.root("http://r:8080/"));
    assertEquals("http://r:8080", RegistryFormat.root("http://r:8080/apis/registry/v3"));
    assertEquals("http://r:8080", RegistryFormat.root(" http://r:8080/apis/ccompat/v7/ "));
  }
}
