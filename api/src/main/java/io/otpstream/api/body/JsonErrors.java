package io.otpstream.api.body;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import io.otpstream.api.errors.Echo;
import java.util.Optional;

/** Names the field a JSON body got wrong, for messages a developer can act on. */
public final class JsonErrors {
  /**
   * What request readers turn on so that {@code {"code": "1", "code": "2"}} is refused instead of
   * silently taking the last value: two parts of a stack could otherwise read different values.
   */
  public static final StreamReadFeature NO_DUPLICATES =
      StreamReadFeature.STRICT_DUPLICATE_DETECTION;

  private JsonErrors() {}

  /**
   * When the parser refused a field given twice (see {@link #NO_DUPLICATES}), a message naming it
   * by its dotted path, e.g. {@code Field 'identifier.value' is given more than once}.
   */
  public static Optional<String> duplicate(JsonProcessingException e) {
    for (Throwable t = e;
        t != null;
        t = t.getCause()) { // databind wraps what a nested object's parse threw
      if (t instanceof StreamReadException r
          && r.getOriginalMessage() != null
          && r.getOriginalMessage().startsWith("Duplicate field")) {
        String path = r.getProcessor() == null ? "" : path(r.getProcessor().getParsingContext());
        if (path.isEmpty()) {
          path = r.getOriginalMessage().replaceFirst("^Duplicate field '(.*)'$", "$1");
        }
        return Optional.of("Field '" + Echo.of(path, 80) + "' is given more than once");
      }
    }
    return Optional.empty();
  }

  private static String path(JsonStreamContext context) {
    StringBuilder b = new StringBuilder();
    for (JsonStreamContext c = context; c != null && !c.inRoot(); c = c.getParent()) {
      String part = c.inArray() ? "[" + c.getCurrentIndex() + "]" : c.getCurrentName();
      b.insert(0, b.length() == 0 ? part : part + ".");
    }
    return b.toString();
  }

  /**
   * The dotted path of the offending field, e.g. {@code recipients.sms} or {@code channels.[0]}.
   */
  public static String path(MismatchedInputException e) {
    return e.getPath().stream()
        .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
        .reduce((a, b) -> a + "." + b)
        .orElse("body");
  }
}
