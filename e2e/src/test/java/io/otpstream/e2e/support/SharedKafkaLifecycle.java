package io.otpstream.e2e.support;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Closes the shared cluster when the whole test run ends, while the JVM is still alive. Left to a
 * shutdown hook, the close races the test kit's own hook that deletes the brokers' log folders, and
 * a broker that loses its only log folder halts the JVM: surefire then reports a fork that did not
 * say goodbye although every test passed. Registered for every test class through {@code
 * META-INF/services} (extension auto-detection, see {@code junit-platform.properties}).
 */
public final class SharedKafkaLifecycle implements BeforeAllCallback {

  @Override
  public void beforeAll(ExtensionContext context) {
    // the root store is closed once, after the last test class: AutoCloseable values are closed
    // then
    context
        .getRoot()
        .getStore(ExtensionContext.Namespace.GLOBAL)
        .getOrComputeIfAbsent(
            SharedKafkaLifecycle.class,
            k -> (AutoCloseable) SharedKafka::close,
            AutoCloseable.class);
  }
}
