package io.otpstream.launcher.logs;

import ch.qos.logback.classic.encoder.JsonEncoder;

/**
 * Logback's own JSON encoder, one object per line, with the fields an operator reads: {@code
 * timestamp} (epoch ms), {@code level}, {@code threadName}, {@code loggerName}, {@code mdc} (the
 * request, session and delivery ids), {@code kvpList} (the access log's fields), {@code
 * formattedMessage} and {@code throwable}. Left out: the message pattern and its raw arguments (the
 * formatted message says it once), the context, sequence numbers and nanoseconds.
 */
public final class JsonLines extends JsonEncoder {
  public JsonLines() {
    setWithSequenceNumber(false);
    setWithNanoseconds(false);
    setWithContext(false);
    setWithMessage(false);
    setWithArguments(false);
    setWithFormattedMessage(true);
  }
}
