package io.otpstream.launcher;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The {@code otpstream} command line of the production jar: one command per service. Dev mode (an
 * embedded broker and everything in one process) is not here but in the {@code dev} module's jar,
 * which adds its {@code dev} command to this command line ({@link #execute}), so that neither the
 * broker nor its dependencies ship in the production jar or images.
 */
@Command(
    name = "otpstream",
    mixinStandardHelpOptions = true,
    version = "otpstream 0.1.0",
    description = "Self-hosted one-time-password service on Apache Kafka.",
    subcommands = {
      ServiceCommands.Api.class,
      ServiceCommands.Processor.class,
      ServiceCommands.SmsDispatcherCommand.class,
      ServiceCommands.EmailDispatcherCommand.class
    })
public final class Main implements Callable<Integer> {

  /**
   * Avro 1.12 deserializes only into classes of trusted packages; ours are generated in
   * io.otpstream.
   */
  static final String AVRO_TRUSTED = "org.apache.avro.SERIALIZABLE_PACKAGES";

  public static void main(String[] args) {
    System.exit(execute(new CommandLine(new Main()), args));
  }

  /** Runs {@code args} on this command line, or on one built on it with more commands. */
  public static int execute(CommandLine commandLine, String[] args) {
    if (System.getProperty(AVRO_TRUSTED) == null) {
      System.setProperty(
          AVRO_TRUSTED, "java.lang,java.math,java.io,java.net,org.apache.avro.util,io.otpstream");
    }
    return commandLine.execute(args);
  }

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    // the command line this runs in, with whatever commands were added to it
    spec.commandLine().usage(System.out);
    return 0;
  }
}
