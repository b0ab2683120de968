package io.otpstream.e2e.secrecy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.AppenderBase;
import io.otpstream.launcher.logs.JsonLines;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.LoggerFactory;

/**
 * Every log line the JVM emits while it is open (logback, the binding of the test classpath), with
 * otpstream's own loggers turned down to TRACE so that no statement of ours is left out whatever
 * level an operator sets. A line is what the services write: the JSON object of the launcher's
 * encoder ({@link JsonLines}). {@link #searched} adds the whole stack trace of each throwable,
 * causes included, for the secrecy checks.
 */
final class LogCapture extends AppenderBase<ILoggingEvent> implements AutoCloseable {
  private static final String OURS = "io.otpstream";
  private final List<String> lines = new CopyOnWriteArrayList<>();
  private final List<String> traces = new CopyOnWriteArrayList<>();
  private final JsonLines json = new JsonLines();
  private final Level ourLevelBefore;

  private LogCapture() {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    Logger ours = context.getLogger(OURS);
    this.ourLevelBefore = ours.getLevel();
    setContext(context);
    json.setContext(context);
    json.start();
    setName("no-code-in-clear-capture");
    start();
    context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).addAppender(this);
    ours.setLevel(Level.TRACE);
  }

  static LogCapture open() {
    return new LogCapture();
  }

  @Override
  protected void append(ILoggingEvent e) {
    lines.add(new String(json.encode(e), StandardCharsets.UTF_8));
    if (e.getThrowableProxy() != null) {
      traces.add(ThrowableProxyUtil.asString(e.getThrowableProxy()));
    }
  }

  /** The JSON lines, each ending with its newline. */
  List<String> lines() {
    return List.copyOf(lines);
  }

  /** The lines and the whole stack trace of every throwable logged. */
  List<String> searched() {
    List<String> all = new java.util.ArrayList<>(lines);
    all.addAll(traces);
    return all;
  }

  @Override
  public void close() {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    context.getLogger(OURS).setLevel(ourLevelBefore);
    context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).detachAppender(this);
    stop();
  }
}
