package io.otpstream.common.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.otpstream.common.settings.SettingException;
import io.otpstream.schemas.serde.ValueFormat;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RegistrySettingTest {
  @Test
  void without_a_registry_values_are_single_object() {
    KafkaSettings k = KafkaSettings.fromEnv(Map.of());
    assertEquals("", k.schemaRegistryUrl());
    assertEquals(ValueFormat.singleObject(), k.topics().format());
  }

  @Test
  void the_registry_url_survives_every_copy() {
    KafkaSettings k =
        KafkaSettings.fromEnv(Map.of("OTP_SCHEMA_REGISTRY_URL", " http://registry:8080 "));
    assertEquals("http://registry:8080", k.schemaRegistryUrl());
    assertEquals(
        "http://registry:8080",
        k.withPrefix("p.")
            .withReplicationFactor((short) 3)
            .withClientProperties(Map.of("acks", "all"))
            .schemaRegistryUrl());
  }

  @Test
  void a_registry_url_without_http_is_refused_clearly() {
    for (String bad : new String[] {"registry:8080", "ftp://registry", "http://", "http://a b"}) {
      SettingException e =
          assertThrows(
              SettingException.class,
              () -> KafkaSettings.fromEnv(Map.of("OTP_SCHEMA_REGISTRY_URL", bad)),
              bad);
      assertTrue(e.getMessage().startsWith("OTP_SCHEMA_REGISTRY_URL must be"), e.getMessage());
    }
  }
}
