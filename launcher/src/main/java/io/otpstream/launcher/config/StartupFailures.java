package io.otpstream.launcher.config;

import io.otpstream.common.settings.SettingException;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.TypeConversionException;

/**
 * How a command that cannot start says so: one line naming the variable (and option) and what it
 * accepts, and a non-zero exit code, 2 for a wrong setting, 1 when Kafka cannot be reached. No
 * stack trace, except for a failure nobody foresaw (a bug).
 */
public final class StartupFailures {
  /** The exit code of a wrong setting (picocli's for invalid input). */
  public static final int WRONG_SETTING = 2;

  /** The exit code of a service that cannot start for another reason. */
  public static final int CANNOT_START = 1;

  private StartupFailures() {}

  /** An option's value, from the command line or its variable, is not what it accepts. */
  public static int badParameter(ParameterException ex, String[] args) {
    CommandLine cmd = ex.getCommandLine();
    PrintWriter err = cmd.getErr();
    String variable = EnvDefaults.variable(ex.getArgSpec());
    if (variable != null && ex.getValue() != null) {
      Throwable cause = ex.getCause();
      String why = cause instanceof TypeConversionException ? cause.getMessage() : ex.getMessage();
      err.println(
          prefix(cmd)
              + variable
              + " ("
              + ((OptionSpec) ex.getArgSpec()).longestName()
              + ") "
              + why
              + ", not '"
              + ex.getValue()
              + "'");
    } else {
      err.println(prefix(cmd) + ex.getMessage());
      err.println("(" + cmd.getCommandSpec().qualifiedName() + " --help lists the options)");
    }
    return WRONG_SETTING;
  }

  /** The command failed while starting. */
  public static int failed(Exception ex, CommandLine cmd, ParseResult parsed) {
    PrintWriter err = cmd.getErr();
    if (ex instanceof SettingException) {
      err.println(prefix(cmd) + ex.getMessage());
      return WRONG_SETTING;
    }
    if (ex instanceof StartupException) {
      err.println(prefix(cmd) + ex.getMessage());
      return CANNOT_START;
    }
    err.println(prefix(cmd) + "failed");
    ex.printStackTrace(err);
    return CANNOT_START;
  }

  private static String prefix(CommandLine cmd) {
    return cmd.getCommandSpec().qualifiedName() + ": ";
  }
}
