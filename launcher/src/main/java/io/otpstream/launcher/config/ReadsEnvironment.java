package io.otpstream.launcher.config;

import java.util.List;

/**
 * A command that reads environment variables besides its options' ({@link EnvDefaults}): the
 * settings of its providers and clients. {@link Variables} gathers both.
 */
public interface ReadsEnvironment {
  List<String> variables();
}
