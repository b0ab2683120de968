package io.otpstream.api.errors;

import com.fasterxml.jackson.databind.exc.MismatchedInputException;

/** Names the field a JSON body got wrong, for messages a developer can act on. */
public final class JsonErrors {
  private JsonErrors() {
  }

  /** The dotted path of the offending field, e.g. {@code recipients.sms} or {@code channels.[0]}. */
  public static String path(MismatchedInputException e) {
    return e.getPath().stream().map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
        .reduce((a, b) -> a + "." + b).orElse("body");
  }
}
