package io.otpstream.launcher.replay;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.LoggerFactory;

/**
 * While a replay runs, the processor's and topic bootstrap's INFO lines (state changes, scratch
 * topics created) are held back: the logs share standard output with the report. Warnings and
 * errors still show.
 */
final class QuietLogs implements AutoCloseable {
  private static final List<String> NAMES =
      List.of("io.otpstream.processor", "io.otpstream.schemas");
  private final Map<Logger, Level> before = new LinkedHashMap<>();

  QuietLogs() {
    for (String name : NAMES) {
      if (LoggerFactory.getLogger(name) instanceof Logger l) {
        before.put(l, l.getLevel());
        l.setLevel(Level.WARN);
      }
    }
  }

  @Override
  public void close() {
    before.forEach(Logger::setLevel);
  }
}
