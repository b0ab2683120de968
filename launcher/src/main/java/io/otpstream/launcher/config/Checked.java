package io.otpstream.launcher.config;

import io.otpstream.api.address.ClientAddresses;
import io.otpstream.common.settings.Env;
import java.util.Locale;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Option types that say what they accept: picocli converters whose message is the accepted range,
 * which {@link StartupFailures} puts after the variable's name.
 */
public final class Checked {
  private Checked() {}

  /** An int from min to max. */
  public abstract static class IntRange implements ITypeConverter<Integer> {
    private final int min;
    private final int max;

    IntRange(int min, int max) {
      this.min = min;
      this.max = max;
    }

    @Override
    public Integer convert(String value) {
      try {
        int n = Integer.parseInt(value.strip());
        if (n >= min && n <= max) {
          return n;
        }
      } catch (NumberFormatException e) {
        // the message below says what is accepted
      }
      throw new TypeConversionException("must be " + Env.range(min, max));
    }
  }

  /** A TCP port, 0 for any free one. */
  public static final class Port extends IntRange {
    public Port() {
      super(0, 65535);
    }
  }

  /** At least 1. */
  public static final class Positive extends IntRange {
    public Positive() {
      super(1, Integer.MAX_VALUE);
    }
  }

  /** At least 0. */
  public static final class NonNegative extends IntRange {
    public NonNegative() {
      super(0, Integer.MAX_VALUE);
    }
  }

  /** A stop step's milliseconds: 0 to 10 minutes. */
  public static final class StopMillis extends IntRange {
    public StopMillis() {
      super(0, 600_000);
    }
  }

  /** The IPv6 prefix per-IP limits count by. */
  public static final class Ipv6Prefix extends IntRange {
    public Ipv6Prefix() {
      super(ClientAddresses.MIN_IPV6_PREFIX, 128);
    }
  }

  /** {@code true} or {@code false} in any case; {@code yes}, {@code 1}... are refused. */
  public static final class Bool implements ITypeConverter<Boolean> {
    @Override
    public Boolean convert(String value) {
      return switch (value.strip().toLowerCase(Locale.ROOT)) {
        case "true" -> true;
        case "false" -> false;
        default -> throw new TypeConversionException("must be true or false");
      };
    }
  }
}
