package io.otpstream.common.settings;

import java.util.Map;

/**
 * Reading the services' environment variables: numbers with a default, and a message naming the
 * variable.
 */
public final class Env {
  private Env() {}

  /** The variable as an int, or {@code fallback} when it is unset or blank. */
  public static int integer(Map<String, String> env, String name, int fallback) {
    String v = env.get(name);
    if (v == null || v.isBlank()) {
      return fallback;
    }
    try {
      return Integer.parseInt(v.strip());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " is not a number: " + v, e);
    }
  }
}
