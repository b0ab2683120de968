package io.otpstream.launcher.config;

import io.otpstream.launcher.Main;
import io.otpstream.launcher.logs.LogFormat;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Every environment variable the commands read, and which commands read it: the variables of their
 * options ({@link EnvDefaults}) and those they read themselves ({@link ReadsEnvironment}). Besides
 * these, any Kafka client property as {@value #KAFKA_PROPERTIES}. The README's configuration table
 * lists the same names (a test compares them).
 */
public final class Variables {
  /** How the README writes the family of Kafka client properties. */
  public static final String KAFKA_PROPERTIES = "KAFKA_<PROPERTY>";

  private Variables() {}

  /** Variable → the commands that read it. */
  public static SortedMap<String, SortedSet<String>> all() {
    return all(
        Main.commandLine(
            Map.of(), new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter())));
  }

  /** Variable → the commands of {@code cl} that read it. */
  public static SortedMap<String, SortedSet<String>> all(CommandLine cl) {
    SortedMap<String, SortedSet<String>> all = new TreeMap<>();
    cl.getSubcommands()
        .forEach(
            (name, sub) -> {
              for (OptionSpec o : sub.getCommandSpec().options()) {
                String v = EnvDefaults.variable(o);
                if (v != null) {
                  all.computeIfAbsent(v, k -> new TreeSet<>()).add(name);
                }
              }
              LogFormat.VARIABLES.forEach(
                  v -> all.computeIfAbsent(v, k -> new TreeSet<>()).add(name));
              if (sub.getCommand() instanceof ReadsEnvironment r) {
                r.variables().forEach(v -> all.computeIfAbsent(v, k -> new TreeSet<>()).add(name));
              }
            });
    return all;
  }
}
