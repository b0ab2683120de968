package io.otpstream.launcher.audit;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * The bounds of {@code --since} and {@code --until}: an instant ({@code 2026-12-01T09:30:00Z}) or a
 * day in UTC ({@code 2026-12-01}), which starts the window at that day's start ({@code --since}) or
 * ends it at that day's end ({@code --until}), so {@code --since D --until D} is day D.
 */
final class Times {
  private Times() {}

  static Instant parse(String value, boolean endOfDay) {
    String v = value.strip();
    try {
      return Instant.parse(v);
    } catch (DateTimeParseException notAnInstant) {
      try {
        LocalDate day = LocalDate.parse(v);
        return (endOfDay ? day.plusDays(1) : day).atStartOfDay(ZoneOffset.UTC).toInstant();
      } catch (DateTimeParseException notADay) {
        throw new TypeConversionException(
            "'" + value + "' is neither an instant (2026-12-01T09:30:00Z) nor a day (2026-12-01)");
      }
    }
  }

  static final class Since implements ITypeConverter<Instant> {
    @Override
    public Instant convert(String value) {
      return parse(value, false);
    }
  }

  static final class Until implements ITypeConverter<Instant> {
    @Override
    public Instant convert(String value) {
      return parse(value, true);
    }
  }
}
