package io.otpstream.bench.growth;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Sets of extra Kafka Streams settings to restore with, written {@code k=v,k=v;k=v}: sets apart by
 * {@code ;}, settings by {@code ,}. The first set is always the service's own settings alone
 * (empty), so each run compares against a baseline restored the same way.
 */
final class RestoreVariants {
  private RestoreVariants() {}

  static List<Map<String, Object>> parse(String spec) {
    List<Map<String, Object>> sets = new ArrayList<>();
    if (spec == null || spec.isBlank()) {
      return sets;
    }
    sets.add(Map.of());
    for (String set : spec.split(";")) {
      Map<String, Object> settings = new LinkedHashMap<>();
      for (String pair : set.split(",")) {
        if (pair.isBlank()) {
          continue;
        }
        int eq = pair.indexOf('=');
        if (eq <= 0) {
          throw new IllegalArgumentException("expected setting=value, got: " + pair.strip());
        }
        settings.put(pair.substring(0, eq).strip(), pair.substring(eq + 1).strip());
      }
      if (!settings.isEmpty()) {
        sets.add(settings);
      }
    }
    return sets;
  }
}
