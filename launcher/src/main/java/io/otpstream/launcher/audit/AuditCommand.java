package io.otpstream.launcher.audit;

import io.otpstream.api.address.ClientAddresses;
import io.otpstream.api.destination.Destinations;
import io.otpstream.api.subject.Subjects;
import io.otpstream.common.kafka.KafkaSettings;
import io.otpstream.launcher.config.CommandLineOnly;
import io.otpstream.launcher.config.Environment;
import io.otpstream.launcher.config.ReadsEnvironment;
import io.otpstream.launcher.service.Services;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.apache.kafka.common.KafkaException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code otpstream audit}: the timeline of a session, a subject, a client address or an app, read
 * from {@code otp.events} on any cluster the usual client settings reach. Phones, emails and
 * addresses are looked up by the keyed hashes the topics carry (so the lookup needs {@code
 * OTP_SECRET}, the installation's), never stored or searched in clear. The timeline goes to
 * standard output, as a table or JSON lines; progress and messages go to standard error.
 */
@Command(
    name = "audit",
    description =
        "Print the timeline of a session, subject, client address or app from otp.events "
            + "(env: KAFKA_BOOTSTRAP_SERVERS, KAFKA_<PROPERTY>, OTP_TOPIC_PREFIX, "
            + "OTP_SCHEMA_REGISTRY_URL; OTP_SECRET "
            + "to look up a phone, email or address).",
    mixinStandardHelpOptions = true,
    subcommands = {
      AuditCommand.Session.class,
      AuditCommand.Subject.class,
      AuditCommand.Address.class,
      AuditCommand.App.class
    })
public final class AuditCommand
    implements Callable<Integer>, ReadsEnvironment, Environment, CommandLineOnly {
  @Spec CommandSpec spec;

  @ParentCommand Environment main;

  @Override
  public List<String> variables() {
    List<String> all = new ArrayList<>(KafkaSettings.VARIABLES);
    all.add(Services.SECRET);
    return all;
  }

  @Override
  public Map<String, String> env() {
    return main.env();
  }

  @Override
  public Integer call() {
    throw new CommandLine.ParameterException(
        spec.commandLine(), "Name a subcommand: session, subject, ip or app");
  }

  /** What every timeline takes: its format and its time window. */
  static final class Output {
    @Option(names = "--json", description = "One JSON object per line, for tools.")
    boolean json;

    @Option(
        names = "--since",
        converter = Times.Since.class,
        description = "Only events at or after this instant or day (UTC).")
    Instant since;

    @Option(
        names = "--until",
        converter = Times.Until.class,
        description = "Only events before this instant, or up to the end of this day (UTC).")
    Instant until;
  }

  /** Scans for {@code query} and prints its timeline; a Kafka failure is one line and exit 1. */
  int print(CommandSpec sub, AuditQuery query, Output output) {
    PrintWriter out = sub.commandLine().getOut();
    PrintWriter err = sub.commandLine().getErr();
    boolean terminal = System.console() != null;
    EventScan.Result result;
    try {
      result =
          EventScan.run(
              Services.kafka(env()),
              query.within(output.since, output.until),
              Progress.on(err, terminal));
    } catch (IllegalStateException | KafkaException e) {
      err.println("otpstream audit: " + e.getMessage());
      err.flush();
      return 1;
    }
    if (output.json) {
      result.events().forEach(e -> out.println(Timeline.json(e)));
    } else if (!result.events().isEmpty()) {
      Timeline.table(result.events()).forEach(out::println);
    }
    out.flush();
    err.printf(
        "%d event%s of %s, of %,d records read%n",
        result.events().size(),
        result.events().size() == 1 ? "" : "s",
        query.what(),
        result.read());
    err.flush();
    return 0;
  }

  @Command(
      name = "session",
      description = "The timeline of one session: its requests, decisions, deliveries, checks.",
      mixinStandardHelpOptions = true)
  static final class Session implements Callable<Integer> {
    @Spec CommandSpec spec;
    @ParentCommand AuditCommand audit;
    @Mixin Output output;

    @Parameters(paramLabel = "<session-id>", description = "The session id, as the api gave it.")
    String sessionId;

    @Override
    public Integer call() {
      return audit.print(spec, AuditQuery.session(sessionId.strip()), output);
    }
  }

  @Command(
      name = "subject",
      description =
          "The timeline of one phone number or email address in one app, across its sessions:"
              + " looked up by its keyed hash (needs OTP_SECRET), or given as its subject id"
              + " (sub_...).",
      mixinStandardHelpOptions = true)
  static final class Subject implements Callable<Integer> {
    @Spec CommandSpec spec;
    @ParentCommand AuditCommand audit;
    @Mixin Output output;

    @Option(names = "--app", required = true, description = "The app id.")
    String app;

    @Parameters(paramLabel = "<phone|email|subject-id>")
    String who;

    @Override
    public Integer call() {
      String subject = subjectId(spec, audit.env(), app, who);
      return audit.print(spec, AuditQuery.subject(app, subject), output);
    }
  }

  @Command(
      name = "ip",
      description =
          "The timeline of one client address in one app: looked up by its keyed hash (needs"
              + " OTP_SECRET), or given as its id (ip_...).",
      mixinStandardHelpOptions = true)
  static final class Address implements Callable<Integer> {
    @Spec CommandSpec spec;
    @ParentCommand AuditCommand audit;
    @Mixin Output output;

    @Option(names = "--app", required = true, description = "The app id.")
    String app;

    @Parameters(paramLabel = "<address|address-id>")
    String address;

    @Override
    public Integer call() {
      String a = address.strip();
      String id = a;
      if (!a.startsWith("ip_")) {
        var parsed = ClientAddresses.parse(a);
        if (parsed.isEmpty()) {
          throw new CommandLine.ParameterException(
              spec.commandLine(), "'" + a + "' is not an IPv4 or IPv6 address");
        }
        id =
            new ClientAddresses(Services.secrets(audit.env()), ClientAddresses.DEFAULT_IPV6_PREFIX)
                .source(app, parsed.get())
                .addressId();
      }
      return audit.print(spec, AuditQuery.address(app, id), output);
    }
  }

  @Command(
      name = "app",
      description = "The timeline of a whole app; narrow it with --since and --until.",
      mixinStandardHelpOptions = true)
  static final class App implements Callable<Integer> {
    @Spec CommandSpec spec;
    @ParentCommand AuditCommand audit;
    @Mixin Output output;

    @Parameters(paramLabel = "<app-id>")
    String app;

    @Override
    public Integer call() {
      return audit.print(spec, AuditQuery.app(app.strip()), output);
    }
  }

  /**
   * The subject id of {@code who} in {@code app}: a subject id as it is, else a phone number or
   * email normalised as the api does and hashed with the installation's secret.
   */
  static String subjectId(CommandSpec spec, Map<String, String> env, String app, String who) {
    String w = who.strip();
    if (w.startsWith("sub_")) {
      return w;
    }
    Optional<String> normalised =
        w.indexOf('@') >= 0 ? Destinations.email(w) : Destinations.phone(w);
    if (normalised.isEmpty()) {
      throw new CommandLine.ParameterException(
          spec.commandLine(),
          "'"
              + w
              + "' is neither a phone number in E.164 format (+14155550123), an email address,"
              + " nor a subject id (sub_...)");
    }
    return new Subjects(Services.secrets(env)).subjectId(app, normalised.get());
  }
}
