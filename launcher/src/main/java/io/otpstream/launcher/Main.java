package io.otpstream.launcher;

import io.otpstream.launcher.admin.AdminCommand;
import io.otpstream.launcher.audit.AuditCommand;
import io.otpstream.launcher.config.EnvDefaults;
import io.otpstream.launcher.config.Environment;
import io.otpstream.launcher.config.StartupFailures;
import io.otpstream.launcher.logs.LogFormat;
import io.otpstream.launcher.replay.ReplayCommand;
import io.otpstream.launcher.service.ApiCommand;
import io.otpstream.launcher.service.EmailDispatcherCommand;
import io.otpstream.launcher.service.ProcessorCommand;
import io.otpstream.launcher.service.SmsDispatcherCommand;
import io.otpstream.launcher.service.WebhookDispatcherCommand;
import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The {@code otpstream} command line. Every option {@code --x-y} of a command takes its default
 * from the environment variable {@code OTP_X_Y} ({@link EnvDefaults}); a wrong value, from the
 * command line or the environment, stops the command with a message naming the variable ({@link
 * StartupFailures}).
 */
@Command(
    name = "otpstream",
    mixinStandardHelpOptions = true,
    version = "otpstream 0.1.0",
    description = "Self-hosted one-time-password service on Apache Kafka.",
    footer = {
      "",
      "Every option --x-y of a command can also be set by the environment variable OTP_X_Y;",
      "Kafka client properties by KAFKA_<PROPERTY> and OTP_KAFKA_CONFIG_FILE (see README)."
    },
    subcommands = {
      ApiCommand.class,
      ProcessorCommand.class,
      SmsDispatcherCommand.class,
      EmailDispatcherCommand.class,
      WebhookDispatcherCommand.class,
      AdminCommand.class,
      AuditCommand.class,
      ReplayCommand.class
    })
public final class Main implements Callable<Integer>, Environment {

  /**
   * Avro 1.12 deserializes only into classes of trusted packages; ours are generated in
   * io.otpstream.
   */
  static final String AVRO_TRUSTED = "org.apache.avro.SERIALIZABLE_PACKAGES";

  private final Map<String, String> env;

  private Main(Map<String, String> env) {
    this.env = Map.copyOf(env);
  }

  /** The environment the commands read: the process's, or a test's. */
  @Override
  public Map<String, String> env() {
    return env;
  }

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /**
   * Runs {@code args} on the process's command line, with {@code more} commands besides the
   * services (the {@code dev} module's jar adds {@code dev}).
   */
  public static int run(String[] args, Object... more) {
    try {
      LogFormat.use(LogFormat.of(args, System.getenv()), LogFormat.target(args));
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      return 2;
    }
    if (System.getProperty(AVRO_TRUSTED) == null) {
      System.setProperty(
          AVRO_TRUSTED, "java.lang,java.math,java.io,java.net,org.apache.avro.util,io.otpstream");
    }
    PrintWriter out = new PrintWriter(System.out, true);
    PrintWriter err = new PrintWriter(System.err, true);
    return commandLine(System.getenv(), out, err, more).execute(args);
  }

  /**
   * The command line reading {@code env}, writing to {@code out} and {@code err}, with {@code more}
   * commands besides the services.
   */
  public static CommandLine commandLine(
      Map<String, String> env, PrintWriter out, PrintWriter err, Object... more) {
    CommandLine cl = new CommandLine(new Main(env));
    for (Object command : more) {
      cl.addSubcommand(command);
    }
    cl.setOut(out);
    cl.setErr(err);
    cl.setDefaultValueProvider(new EnvDefaults(env));
    cl.setParameterExceptionHandler(StartupFailures::badParameter);
    cl.setExecutionExceptionHandler(StartupFailures::failed);
    return cl;
  }

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    // the command line this runs in, with whatever commands were added to it
    spec.commandLine().usage(spec.commandLine().getOut());
    return 0;
  }
}
