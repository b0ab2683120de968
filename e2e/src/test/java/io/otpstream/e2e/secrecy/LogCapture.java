package io.otpstream.e2e.secrecy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.AppenderBase;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.LoggerFactory;

/**
 * Every log line the JVM emits while it is open (logback, the binding of the test classpath), with
 * otpstream's own loggers turned down to TRACE so that no statement of ours is left out whatever
 * level an operator sets. A line is its level, thread, logger, message with its arguments, MDC,
 * key-value pairs and the whole stack trace of its throwable, causes included.
 */
final class LogCapture extends AppenderBase<ILoggingEvent> implements AutoCloseable {
  private static final String OURS = "io.otpstream";
  private final List<String> lines = new CopyOnWriteArrayList<>();
  private final Level ourLevelBefore;

  private LogCapture() {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    Logger ours = context.getLogger(OURS);
    this.ourLevelBefore = ours.getLevel();
    setContext(context);
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
    StringBuilder line =
        new StringBuilder()
            .append(e.getLevel())
            .append(" [")
            .append(e.getThreadName())
            .append("] ")
            .append(e.getLoggerName())
            .append(" - ")
            .append(e.getFormattedMessage());
    if (!e.getMDCPropertyMap().isEmpty()) {
      line.append(" mdc=").append(e.getMDCPropertyMap());
    }
    if (e.getKeyValuePairs() != null && !e.getKeyValuePairs().isEmpty()) {
      line.append(" kv=").append(e.getKeyValuePairs());
    }
    if (e.getThrowableProxy() != null) {
      line.append('\n').append(ThrowableProxyUtil.asString(e.getThrowableProxy()));
    }
    lines.add(line.toString());
  }

  List<String> lines() {
    return List.copyOf(lines);
  }

  @Override
  public void close() {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    context.getLogger(OURS).setLevel(ourLevelBefore);
    context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).detachAppender(this);
    stop();
  }
}
