package io.otpstream.common.settings;

/**
 * A setting a service cannot start with: names the variable (or file entry) and what it accepts.
 * The message never holds a secret value, so it can be printed as is.
 */
public final class SettingException extends IllegalArgumentException {
  private final String variable;

  public SettingException(String variable, String message) {
    super(message);
    this.variable = variable;
  }

  /** The environment variable (or {@code file: key}) that is wrong. */
  public String variable() {
    return variable;
  }
}
