package io.otpstream.e2e.ops;

import java.util.Arrays;
import java.util.Map;
import java.util.OptionalDouble;

/** A {@code /metrics} answer (Prometheus text format), read one sample at a time. */
record Scrape(String text) {
  /**
   * The value of the sample {@code name} whose labels include {@code labels}, summed over the
   * samples that match; empty when none does.
   */
  OptionalDouble value(String name, Map<String, String> labels) {
    double[] values =
        Arrays.stream(text.split("\n"))
            .filter(line -> line.startsWith(name + "{") || line.startsWith(name + " "))
            .filter(
                line ->
                    labels.entrySet().stream()
                        .allMatch(l -> line.contains(l.getKey() + "=\"" + l.getValue() + "\"")))
            .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
            .toArray();
    return values.length == 0
        ? OptionalDouble.empty()
        : OptionalDouble.of(Arrays.stream(values).sum());
  }

  double valueOrZero(String name, Map<String, String> labels) {
    return value(name, labels).orElse(0);
  }

  /** The lines of the meters named {@code name}, for a failure message. */
  String lines(String name) {
    return String.join(
        "\n", Arrays.stream(text.split("\n")).filter(l -> l.startsWith(name)).toList());
  }
}
