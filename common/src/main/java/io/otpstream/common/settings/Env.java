package io.otpstream.common.settings;

import java.util.Locale;
import java.util.Map;

/**
 * Reading the services' environment variables strictly: a value that is set but not what the
 * variable accepts is a {@link SettingException} naming the variable and the accepted values, never
 * a silent default. Unset or blank means the default.
 */
public final class Env {
  private Env() {}

  /** The variable as an int of any value, or {@code fallback} when it is unset or blank. */
  public static int integer(Map<String, String> env, String name, int fallback) {
    return integer(env, name, fallback, Integer.MIN_VALUE, Integer.MAX_VALUE);
  }

  /** The variable as an int from {@code min} to {@code max}, or {@code fallback} when unset. */
  public static int integer(Map<String, String> env, String name, int fallback, int min, int max) {
    String v = env.get(name);
    if (v == null || v.isBlank()) {
      return fallback;
    }
    int n;
    try {
      n = Integer.parseInt(v.strip());
    } catch (NumberFormatException e) {
      throw new SettingException(name, name + " must be " + range(min, max) + ", not '" + v + "'");
    }
    if (n < min || n > max) {
      throw new SettingException(name, name + " must be " + range(min, max) + ", not " + n);
    }
    return n;
  }

  /** {@code true} or {@code false} (any case); anything else is refused, not read as false. */
  public static boolean bool(Map<String, String> env, String name, boolean fallback) {
    String v = env.get(name);
    if (v == null || v.isBlank()) {
      return fallback;
    }
    return switch (v.strip().toLowerCase(Locale.ROOT)) {
      case "true" -> true;
      case "false" -> false;
      default -> throw new SettingException(name, name + " must be true or false, not '" + v + "'");
    };
  }

  /** The variable, stripped, or {@code fallback} when it is unset or blank. */
  public static String text(Map<String, String> env, String name, String fallback) {
    String v = env.get(name);
    return v == null || v.isBlank() ? fallback : v.strip();
  }

  /** The variable, which must be set; {@code what} says what it is for. */
  public static String required(Map<String, String> env, String name, String what) {
    String v = env.get(name);
    if (v == null || v.isBlank()) {
      throw new SettingException(name, name + " is required: " + what);
    }
    return v.strip();
  }

  /** "an integer from 1 to 10", "an integer of at least 1", "an integer". */
  public static String range(long min, long max) {
    if (min == Integer.MIN_VALUE && max == Integer.MAX_VALUE) {
      return "an integer";
    }
    if (max == Integer.MAX_VALUE) {
      return "an integer of at least " + min;
    }
    return "an integer from " + min + " to " + max;
  }
}
