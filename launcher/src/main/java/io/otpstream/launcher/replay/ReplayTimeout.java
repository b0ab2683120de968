package io.otpstream.launcher.replay;

import io.otpstream.launcher.config.Checked;
import java.time.Duration;
import picocli.CommandLine.Option;

/** {@code --replay-timeout-ms}, the one bound of every scratch replay (verify, backtest). */
final class ReplayTimeout {
  @Option(
      names = "--replay-timeout-ms",
      converter = Checked.Positive.class,
      defaultValue = "600000",
      description =
          "How long a replay may take, each of a backtest's two included (default:"
              + " ${DEFAULT-VALUE}).")
  int millis;

  Duration duration() {
    return Duration.ofMillis(millis);
  }
}
