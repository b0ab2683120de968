package io.otpstream.bench.chart;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class AxisTest {
  @Test
  void linear_axis_ends_on_a_round_step_above_the_largest_value() {
    assertEquals(List.of(0.0, 100.0, 200.0, 300.0), Axis.linear(300).ticks());
    assertEquals(List.of(0.0, 100.0, 200.0, 300.0, 400.0), Axis.linear(320).ticks());
    assertEquals(List.of(0.0, 10.0, 20.0, 30.0, 40.0, 50.0), Axis.linear(50).ticks());
    assertEquals(500.0, Axis.linear(440).high());
  }

  @Test
  void log_axis_spans_whole_decades_around_the_values() {
    Axis y = Axis.log(3.5, 812);

    assertEquals(List.of(1.0, 10.0, 100.0, 1000.0), y.ticks());
    assertEquals(1.0, y.low());
    assertEquals(1000.0, y.high());
  }

  @Test
  void log_axis_of_values_within_one_decade_still_spans_one() {
    assertEquals(List.of(10.0, 100.0), Axis.log(20, 30).ticks());
    assertEquals(List.of(10.0, 100.0), Axis.log(10, 10).ticks());
  }

  @Test
  void pixels_run_from_the_low_end_to_the_high_end_and_clamp_outside() {
    Axis y = Axis.log(1, 1000);

    assertEquals(400.0, y.pixel(1, 400, 100), 1e-9);
    assertEquals(300.0, y.pixel(10, 400, 100), 1e-9);
    assertEquals(100.0, y.pixel(1000, 400, 100), 1e-9);
    assertEquals(100.0, y.pixel(5000, 400, 100), 1e-9);
    assertEquals(400.0, y.pixel(0, 400, 100), 1e-9);
    assertEquals(50.0, Axis.linear(300).pixel(150, 0, 100), 1e-9);
  }
}
