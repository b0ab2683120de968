package io.otpstream.bench.chart;

import java.util.ArrayList;
import java.util.List;

/**
 * One axis of the chart: values mapped to pixels, and the ticks to label. {@link #linear} starts at
 * 0 and ends on a round step (1, 2 or 5 times a power of ten) at or above the largest value; {@link
 * #log} spans whole decades around the values, so 3 ms and 3 s fit on one chart.
 */
record Axis(double low, double high, boolean logarithmic, List<Double> ticks) {

  /** From 0 to the largest value rounded up to a step of about a fifth of it. */
  static Axis linear(double max) {
    double top = max > 0 ? max : 1;
    double raw = top / 5;
    double magnitude = Math.pow(10, Math.floor(Math.log10(raw)));
    double residual = raw / magnitude;
    double step = (residual > 5 ? 10 : residual > 2 ? 5 : residual > 1 ? 2 : 1) * magnitude;
    double high = Math.ceil(top / step - 1e-9) * step;
    List<Double> ticks = new ArrayList<>();
    for (int i = 0; i * step <= high + step / 1e6; i++) {
      ticks.add(i * step);
    }
    return new Axis(0, high, false, ticks);
  }

  /** From the decade at or below {@code min} to the decade at or above {@code max}. */
  static Axis log(double min, double max) {
    int lo = (int) Math.floor(Math.log10(min > 0 ? min : 0.1));
    int hi = Math.max(lo + 1, (int) Math.ceil(Math.log10(Math.max(max, min))));
    List<Double> ticks = new ArrayList<>();
    for (int e = lo; e <= hi; e++) {
      ticks.add(Math.pow(10, e));
    }
    return new Axis(Math.pow(10, lo), Math.pow(10, hi), true, ticks);
  }

  /**
   * Where {@code value} lies between {@code from} (at {@link #low}) and {@code to} (at {@link
   * #high}) pixels; values outside the axis are clamped to its ends.
   */
  double pixel(double value, double from, double to) {
    double f;
    if (logarithmic) {
      double v = Math.max(value, low);
      f = (Math.log10(v) - Math.log10(low)) / (Math.log10(high) - Math.log10(low));
    } else {
      f = (value - low) / (high - low);
    }
    f = Math.max(0, Math.min(1, f));
    return from + f * (to - from);
  }
}
