package io.otpstream.launcher.logs;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.util.ContextInitializer;
import ch.qos.logback.core.joran.spi.JoranException;
import java.util.Locale;
import java.util.Map;
import org.slf4j.LoggerFactory;

/**
 * How the process logs, chosen before its first line: {@code json} (one JSON object per line,
 * {@link JsonLines}) or {@code text} (a readable line), from {@code OTP_LOG_FORMAT}; without it,
 * {@code text} for {@code otpstream dev} and {@code json} for the services. {@code logback.xml}
 * reads the choice from the system property {@value #PROPERTY}.
 */
public final class LogFormat {
  public static final String VARIABLE = "OTP_LOG_FORMAT";

  /** What every command reads for its logs: the format, and the level of otpstream's loggers. */
  public static final java.util.List<String> VARIABLES =
      java.util.List.of(VARIABLE, "OTP_LOG_LEVEL");

  static final String PROPERTY = "otp.log.format";

  static final String TARGET_PROPERTY = "otp.log.target";

  /** The commands whose standard output is their result (a key, a timeline, a report). */
  private static final java.util.Set<String> TOOLS = java.util.Set.of("admin", "audit", "replay");

  private LogFormat() {}

  /** The format for {@code args} (a command line) and {@code env}; a wrong value is refused. */
  public static String of(String[] args, Map<String, String> env) {
    String set = env.get(VARIABLE);
    if (set == null || set.isBlank()) {
      return args.length > 0 && args[0].equals("dev") ? "text" : "json";
    }
    String format = set.strip().toLowerCase(Locale.ROOT);
    if (!format.equals("json") && !format.equals("text")) {
      throw new IllegalArgumentException(
          VARIABLE + " must be json or text, not '" + set.strip() + "'");
    }
    return format;
  }

  /**
   * Where the lines of {@code args}'s command go: standard output for the services (what a
   * container platform collects), standard error for the tools, whose standard output is their
   * result ({@code KEY=$(otpstream admin init)} holds the key alone).
   */
  public static String target(String[] args) {
    return args.length > 0 && TOOLS.contains(args[0]) ? "System.err" : "System.out";
  }

  /** Configures logback for {@code format} on standard output. */
  public static void use(String format) {
    use(format, "System.out");
  }

  /**
   * Configures logback for {@code format} on {@code target} ({@code System.out} or {@code
   * System.err}), again should anything have logged already.
   */
  public static void use(String format, String target) {
    System.setProperty(PROPERTY, format);
    System.setProperty(TARGET_PROPERTY, target);
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    context.reset();
    try {
      new ContextInitializer(context).autoConfig();
    } catch (JoranException e) {
      throw new IllegalStateException("cannot configure logging", e);
    }
  }
}
