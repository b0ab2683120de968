package io.otpstream.launcher.replay;

import io.otpstream.common.kafka.KafkaSettings;
import io.otpstream.common.secret.Secrets;
import io.otpstream.launcher.config.Checked;
import io.otpstream.launcher.config.Environment;
import io.otpstream.launcher.config.ReadsEnvironment;
import io.otpstream.launcher.service.Services;
import io.otpstream.processor.ProcessorService;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.kafka.common.KafkaException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code otpstream replay}: re-runs the processor over the recorded log of an installation (same
 * environment as the services: cluster, topic prefix, {@code OTP_SECRET}) under a scratch
 * application id and scratch topics, which it deletes afterwards.
 */
@Command(
    name = "replay",
    description =
        "Re-run the processor over the recorded topics under a scratch application id; nothing"
            + " is delivered and no production topic is written.",
    mixinStandardHelpOptions = true,
    subcommands = {ReplayCommand.Verify.class, BacktestCommand.class})
public final class ReplayCommand implements Callable<Integer>, ReadsEnvironment, Environment {
  /** Exit code of a replay whose decisions differ from the recorded ones. */
  public static final int DIVERGED = 1;

  /** Exit code of a replay that could not run (cluster, topics, secret, timeout). */
  public static final int FAILED = 3;

  @Spec CommandSpec spec;

  @ParentCommand Environment main;

  @Override
  public List<String> variables() {
    List<String> all = new ArrayList<>(Services.COMMON);
    all.add(ProcessorService.COMMIT_INTERVAL_VARIABLE);
    // the options of the subcommands, which the table of Variables does not reach
    all.addAll(List.of("OTP_REPLAY_TIMEOUT_MS", "OTP_DIVERGENCES_SHOWN"));
    return all;
  }

  @Override
  public Integer call() {
    throw new CommandLine.ParameterException(
        spec.commandLine(), "Name a subcommand: verify or backtest");
  }

  @Override
  public java.util.Map<String, String> env() {
    return main.env();
  }

  @Command(
      name = "verify",
      description = {
        "Replay every recorded command and compare its decisions with the recorded ones, by"
            + " command id, on otp.replies (while retention keeps them) and on otp.events (the"
            + " audit log): prints where the recorded log starts, the counts per stage, outcome and"
            + " rule, how many commands were compared on each topic, the first divergences with"
            + " their command ids, and exits 1 on any (3 when the replay could not run or nothing"
            + " recorded was left to compare with).",
        "Run it on a settled log: decisions the processor has yet to make for commands already"
            + " recorded show as divergences."
      },
      mixinStandardHelpOptions = true)
  static final class Verify implements Callable<Integer> {
    @Spec CommandSpec spec;

    @ParentCommand ReplayCommand parent;

    @Mixin ReplayTimeout timeout;

    @Option(
        names = "--divergences-shown",
        converter = Checked.Positive.class,
        defaultValue = "10",
        description = "How many divergences are printed (default: ${DEFAULT-VALUE}).")
    int shown;

    @Override
    public Integer call() throws Exception {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      KafkaSettings kafka = Services.kafka(parent.env());
      Secrets secrets = Services.secrets(parent.env());
      Duration timeout = this.timeout.duration();
      try (QuietLogs quiet = new QuietLogs();
          ScratchReplay replay =
              ScratchReplay.run(kafka, secrets, parent.env(), "verify", timeout);
          RecordedLog log = new RecordedLog(kafka, timeout)) {
        err.printf(
            "replayed under application id %s into topics %s*%n",
            replay.applicationId(), replay.written().prefix());
        err.flush();
        Verdict v = Verdict.of(log, kafka.topics(), replay.written());
        v.print(out, shown);
        return !v.divergences.isEmpty() ? DIVERGED : v.conclusive() ? 0 : FAILED;
      } catch (IllegalStateException | KafkaException e) {
        err.println("otpstream replay verify: " + e.getMessage());
        err.flush();
        return FAILED;
      }
    }
  }
}
