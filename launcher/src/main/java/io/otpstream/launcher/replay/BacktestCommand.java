package io.otpstream.launcher.replay;

import io.otpstream.api.management.SettingsFile;
import io.otpstream.common.kafka.KafkaSettings;
import io.otpstream.common.secret.Secrets;
import io.otpstream.launcher.config.Checked;
import io.otpstream.launcher.config.CommandLineOnly;
import io.otpstream.launcher.service.Services;
import io.otpstream.schemas.apps.AppSettings;
import io.otpstream.schemas.audit.AuditEvent;
import io.otpstream.schemas.audit.AuditType;
import io.otpstream.schemas.delivery.DeliveryRequested;
import io.otpstream.schemas.topics.TopicSpec;
import io.otpstream.schemas.topics.Topics;
import java.io.IOException;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.function.UnaryOperator;
import org.apache.kafka.common.KafkaException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code otpstream replay backtest}: the recorded log replayed twice under scratch application ids,
 * once with the settings each command carried and once with a settings file's in their place, and
 * what differs between the two: refusals per rule, sessions that lock, messages not sent and their
 * cost. Comparing two replays, rather than a replay with the recorded replies, keeps the report
 * exact whatever the retention of {@code otp.replies} and the delivery topics.
 */
@Command(
    name = "backtest",
    description = {
      "Replay every recorded command with other settings and print what would have changed:"
          + " refusals per rule, sessions that would have locked, messages that would not have"
          + " been sent and their cost, with examples.",
      "The settings file is JSON as the settings API answers it (GET /v2/apps/{app}/settings);"
          + " the fields it names replace those each command was decided with, the others stay"
          + " as recorded. Exits 0, or 3 when the replay could not run."
    },
    mixinStandardHelpOptions = true)
final class BacktestCommand implements Callable<Integer>, CommandLineOnly {
  @Spec CommandSpec spec;

  @ParentCommand ReplayCommand parent;

  @Option(
      names = "--settings",
      required = true,
      paramLabel = "<file.json>",
      description = "The settings to backtest.")
  Path settings;

  @Option(
      names = "--app",
      paramLabel = "<id>",
      description = "Only this app's commands take the settings (default: every app's).")
  String app;

  @Option(
      names = "--price-per-message",
      paramLabel = "<price>",
      description = "What one message costs, to price those that would not have been sent.")
  BigDecimal price;

  @Option(names = "--currency", defaultValue = "", description = "Said after a cost (e.g. USD).")
  String currency;

  @Option(names = "--json", description = "One JSON object instead of the table.")
  boolean json;

  @Option(
      names = "--examples",
      converter = Checked.Positive.class,
      defaultValue = "5",
      description = "How many examples of each change are shown (default: ${DEFAULT-VALUE}).")
  int examples;

  @Mixin ReplayTimeout timeout;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    SettingsFile file = read();
    if (price != null && price.signum() < 0) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--price-per-message must not be negative");
    }
    KafkaSettings kafka = Services.kafka(parent.env());
    Secrets secrets = Services.secrets(parent.env());
    Duration timeout = this.timeout.duration();
    UnaryOperator<AppSettings> over = file.over();
    UnaryOperator<AppSettings> changed =
        app == null ? over : s -> app.equals(s.getAppId()) ? over.apply(s) : s;
    try (QuietLogs quiet = new QuietLogs();
        ScratchReplay recorded =
            ScratchReplay.run(kafka, secrets, parent.env(), "recorded", timeout);
        ScratchReplay backtest =
            ScratchReplay.run(kafka, secrets, parent.env(), "backtest", timeout, changed);
        RecordedLog log = new RecordedLog(kafka, timeout)) {
      Changes changes =
          new Changes(
              Decisions.read(log, recorded.written().replies),
              Decisions.read(log, backtest.written().replies),
              locked(log, recorded.written()),
              locked(log, backtest.written()),
              messages(log, recorded.written()),
              messages(log, backtest.written()));
      ChangesReport report =
          new ChangesReport(changes, file.fields(), app, price, currency, examples);
      if (json) {
        report.printJson(out);
      } else {
        report.printText(out);
      }
      return 0;
    } catch (IllegalStateException | KafkaException e) {
      err.println("otpstream replay backtest: " + e.getMessage());
      err.flush();
      return ReplayCommand.FAILED;
    }
  }

  private SettingsFile read() {
    try {
      return SettingsFile.parse(Files.readString(settings, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--settings: cannot read " + settings + " (" + e + ")");
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--settings " + settings + ": " + e.getMessage());
    }
  }

  /** The sessions a replay locked: its audit lines {@code LOCKED}. */
  private static Set<String> locked(RecordedLog log, Topics written) {
    Set<String> locked = new TreeSet<>();
    var values = written.events.valueSerde().deserializer();
    log.readAll(
        written.events.name(),
        r -> {
          AuditEvent e = values.deserialize(r.topic(), r.value());
          if (e.getType() == AuditType.LOCKED && e.getSessionId() != null) {
            locked.add(e.getSessionId());
          }
        });
    return locked;
  }

  /** The messages a replay requested, on both delivery topics. */
  private static List<DeliveryRequested> messages(RecordedLog log, Topics written) {
    List<DeliveryRequested> all = new ArrayList<>();
    for (TopicSpec<String, DeliveryRequested> t :
        List.of(written.deliverySms, written.deliveryEmail)) {
      var values = t.valueSerde().deserializer();
      log.readAll(t.name(), r -> all.add(values.deserialize(r.topic(), r.value())));
    }
    return all;
  }
}
