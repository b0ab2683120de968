package io.otpstream.launcher.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

class GracefulStopTest {
  @Test
  void parts_are_closed_in_order_even_after_one_fails() {
    List<String> closed = new ArrayList<>();
    boolean inTime =
        GracefulStop.closeWithin(
            Duration.ofSeconds(5),
            List.of(
                () -> closed.add("api"),
                () -> {
                  throw new IllegalStateException("boom");
                },
                () -> closed.add("metrics")));
    assertTrue(inTime);
    assertEquals(List.of("api", "metrics"), closed);
  }

  @Test
  void a_part_that_hangs_is_abandoned_at_the_stop_timeout() {
    CountDownLatch never = new CountDownLatch(1);
    assertFalse(GracefulStop.closeWithin(Duration.ofMillis(200), List.of(never::await)));
  }

  @Test
  void the_timing_comes_from_the_environment_with_defaults() {
    assertEquals(
        new GracefulStop.Timing(Duration.ofSeconds(5), Duration.ofSeconds(20)),
        GracefulStop.Timing.fromEnv(Map.of()));
    assertEquals(
        new GracefulStop.Timing(Duration.ofMillis(0), Duration.ofMillis(9000)),
        GracefulStop.Timing.fromEnv(Map.of("OTP_DRAIN_MS", "0", "OTP_STOP_TIMEOUT_MS", "9000")));
  }

  @Test
  void a_wrong_stop_timeout_is_refused_naming_the_variable_and_range() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> GracefulStop.Timing.fromEnv(Map.of("OTP_STOP_TIMEOUT_MS", "soon")));
    assertTrue(e.getMessage().contains("OTP_STOP_TIMEOUT_MS"), e.getMessage());
    assertTrue(e.getMessage().contains("0 to 600000"), e.getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () -> GracefulStop.Timing.fromEnv(Map.of("OTP_DRAIN_MS", "-1")));
  }
}
