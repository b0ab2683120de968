package io.otpstream.launcher.config;

/**
 * A service cannot start for a reason outside its settings' syntax (Kafka unreachable, credentials
 * refused); the message says what and holds no secret.
 */
public final class StartupException extends RuntimeException {
  public StartupException(String message) {
    super(message);
  }
}
