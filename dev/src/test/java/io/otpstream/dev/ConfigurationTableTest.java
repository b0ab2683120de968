package io.otpstream.dev;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.otpstream.common.kafka.KafkaClientConfig;
import io.otpstream.launcher.Main;
import io.otpstream.launcher.config.Variables;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The README's configuration table ("Running in production") lists what the code reads: every
 * command of the dev jar, the services and {@code dev}.
 */
class ConfigurationTableTest {
  private static final Pattern NAME = Pattern.compile("`([A-Z][A-Z0-9_]*(?:<PROPERTY>)?)`");

  /** The names in the first column of the table. */
  private static Set<String> documented() throws IOException {
    String readme = Files.readString(Path.of("..", "README.md"));
    int from = readme.indexOf("## Running in production");
    int to = readme.indexOf("\n## ", from + 1);
    Set<String> names = new TreeSet<>();
    for (String line : readme.substring(from, to < 0 ? readme.length() : to).split("\n")) {
      if (line.startsWith("| `")) {
        Matcher m = NAME.matcher(line.substring(1, line.indexOf('|', 1)));
        while (m.find()) {
          names.add(m.group(1));
        }
      }
    }
    return names;
  }

  @Test
  void the_readme_table_lists_every_variable_the_code_reads_and_no_other() throws IOException {
    Set<String> documented = documented();
    assertTrue(
        documented.remove(Variables.KAFKA_PROPERTIES), "the README documents KAFKA_<PROPERTY>");
    Set<String> code = variables().keySet();
    // the Kafka client properties the table gives as examples of KAFKA_<PROPERTY>
    KafkaClientConfig kafka = KafkaClientConfig.clients();
    documented.removeIf(
        n ->
            !code.contains(n)
                && n.startsWith("KAFKA_")
                && kafka.knows(
                    n.substring(6).toLowerCase(java.util.Locale.ROOT).replace('_', '.')));
    Set<String> missing = new TreeSet<>(code);
    missing.removeAll(documented);
    Set<String> unknown = new TreeSet<>(documented);
    unknown.removeAll(code);
    assertEquals(Set.of(), missing, "read by the code but not in the README table");
    assertEquals(Set.of(), unknown, "in the README table but read by no command");
  }

  private static java.util.SortedMap<String, java.util.SortedSet<String>> variables() {
    return Variables.all(
        Main.commandLine(
            Map.of(),
            new PrintWriter(new StringWriter()),
            new PrintWriter(new StringWriter()),
            new DevCommand()));
  }

  @Test
  void every_service_reads_the_kafka_settings_and_the_secret() {
    for (String v :
        new String[] {
          "KAFKA_BOOTSTRAP_SERVERS", "KAFKA_CLIENT_ID", "OTP_KAFKA_CONFIG_FILE", "OTP_SECRET"
        }) {
      assertTrue(
          variables()
              .get(v)
              .containsAll(Set.of("api", "processor", "dispatcher-sms", "dispatcher-email")),
          v + " " + variables().get(v));
    }
  }
}
