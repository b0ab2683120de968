package io.otpstream.dispatcher.provider;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CircuitSettingsTest {

  @Test
  void unset_the_circuit_opens_after_three_failures_in_a_row_for_thirty_seconds() {
    assertEquals(
        new CircuitSettings(3, Duration.ofSeconds(30)),
        CircuitSettings.fromEnv(Map.of(), "OTP_SMS_"));
    assertEquals(
        CircuitSettings.DEFAULTS,
        CircuitSettings.fromEnv(Map.of("OTP_SMS_CIRCUIT_FAILURES", " "), "OTP_SMS_"));
  }

  @Test
  void the_variables_of_the_channels_prefix_set_it() {
    Map<String, String> env =
        Map.of(
            "OTP_EMAIL_CIRCUIT_FAILURES",
            "5",
            "OTP_EMAIL_CIRCUIT_OPEN_MS",
            "1500",
            "OTP_SMS_CIRCUIT_FAILURES",
            "2");
    assertEquals(
        new CircuitSettings(5, Duration.ofMillis(1500)),
        CircuitSettings.fromEnv(env, "OTP_EMAIL_"));
    assertEquals(
        new CircuitSettings(2, Duration.ofSeconds(30)), CircuitSettings.fromEnv(env, "OTP_SMS_"));
  }

  @Test
  void a_value_below_one_or_not_a_number_is_refused_naming_the_variable() {
    for (Map<String, String> env :
        List.of(
            Map.of("OTP_SMS_CIRCUIT_FAILURES", "0"),
            Map.of("OTP_SMS_CIRCUIT_OPEN_MS", "-5"),
            Map.of("OTP_SMS_CIRCUIT_FAILURES", "three"))) {
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class, () -> CircuitSettings.fromEnv(env, "OTP_SMS_"));
      assertTrue(e.getMessage().contains(env.keySet().iterator().next()), e.getMessage());
    }
  }
}
