package io.otpstream.launcher.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
}
