package io.otpstream.bench.growth;

import java.util.HashMap;
import java.util.Map;

/**
 * A bench's {@code name=value} arguments, given as separate words or as one (exec:exec passes
 * {@code bench.args} as one). An argument without {@code =} is refused, naming it.
 */
public final class BenchArgs {
  private final Map<String, String> values;

  private BenchArgs(Map<String, String> values) {
    this.values = values;
  }

  public static BenchArgs parse(String... args) {
    Map<String, String> values = new HashMap<>();
    for (String arg : args) {
      for (String word : arg.strip().split("\\s+")) {
        if (word.isEmpty()) {
          continue;
        }
        int eq = word.indexOf('=');
        if (eq <= 0) {
          throw new IllegalArgumentException("expected name=value, got: " + word);
        }
        values.put(word.substring(0, eq), word.substring(eq + 1));
      }
    }
    return new BenchArgs(values);
  }

  /** The value given for {@code name}, else {@code dflt}. */
  public String get(String name, String dflt) {
    return values.getOrDefault(name, dflt);
  }
}
