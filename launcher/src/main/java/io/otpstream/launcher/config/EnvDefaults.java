package io.otpstream.launcher.config;

import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Option defaults from the environment: option {@code --http-port} reads {@code OTP_HTTP_PORT} (its
 * longest name, in capitals, {@code -} as {@code _}, after {@code OTP_}). Unset or blank: the
 * option's own default. Options of a {@link CommandLineOnly} command have no variable.
 */
public final class EnvDefaults implements IDefaultValueProvider {
  private final Map<String, String> env;

  public EnvDefaults(Map<String, String> env) {
    this.env = env;
  }

  @Override
  public String defaultValue(ArgSpec arg) {
    String name = variable(arg);
    String v = name == null ? null : env.get(name);
    return v == null || v.isBlank() ? null : v.strip();
  }

  /** The variable of an option, or null (help options, positional parameters). */
  public static String variable(ArgSpec arg) {
    if (!(arg instanceof OptionSpec o) || o.usageHelp() || o.versionHelp()) {
      return null;
    }
    for (CommandSpec c = o.command(); c != null; c = c.parent()) {
      if (c.userObject() instanceof CommandLineOnly) {
        return null;
      }
    }
    return "OTP_"
        + o.longestName().replaceFirst("^-+", "").toUpperCase(Locale.ROOT).replace('-', '_');
  }
}
