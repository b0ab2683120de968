package io.otpstream.launcher.topics;

import java.util.List;

/** Topics of the catalogue are absent and automatic creation is off. */
public final class MissingTopicsException extends IllegalStateException {
  private final List<String> topics;

  public MissingTopicsException(String message, List<String> topics) {
    super(message);
    this.topics = List.copyOf(topics);
  }

  /** The absent topics' names. */
  public List<String> topics() {
    return topics;
  }
}
