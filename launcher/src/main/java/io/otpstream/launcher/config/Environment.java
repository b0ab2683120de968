package io.otpstream.launcher.config;

import java.util.Map;

/**
 * Where a command reads its environment: the process's, or the one a test gives. A command takes it
 * from its parent command ({@code @ParentCommand Environment}), so that commands do not depend on
 * the command line that holds them.
 */
public interface Environment {
  Map<String, String> env();
}
