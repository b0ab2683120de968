package io.otpstream.launcher.admin;

import io.otpstream.common.kafka.KafkaSettings;
import io.otpstream.launcher.config.Environment;
import io.otpstream.launcher.config.ReadsEnvironment;
import io.otpstream.launcher.service.Services;
import io.otpstream.launcher.topics.TopicSetup;
import io.otpstream.schemas.apps.ManagementKey;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.KafkaException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code otpstream admin}: bootstraps and administers an installation without dev mode, with the
 * same environment as the services (cluster, topic prefix, replication). {@code init} creates the
 * topics and the first management key; {@code rotate-management-key} replaces it. A key is printed
 * once, on standard output on a line of its own; everything else goes to standard error, so {@code
 * KEY=$(otpstream admin init)} captures just the key. Apps and their keys are made through the
 * management API.
 */
@Command(
    name = "admin",
    description =
        "Bootstrap and administer an installation: topics and the management key "
            + "(env: KAFKA_BOOTSTRAP_SERVERS, OTP_TOPIC_PREFIX, OTP_TOPIC_AUTO_CREATE, "
            + "OTP_REPLICATION_FACTOR, OTP_MIN_INSYNC_REPLICAS, OTP_SCHEMA_REGISTRY_URL).",
    mixinStandardHelpOptions = true,
    subcommands = {AdminCommand.Init.class, AdminCommand.RotateManagementKey.class})
public final class AdminCommand implements Callable<Integer>, ReadsEnvironment, Environment {
  @Spec CommandSpec spec;

  @ParentCommand Environment main;

  @Override
  public List<String> variables() {
    List<String> all = new ArrayList<>(KafkaSettings.VARIABLES);
    TopicSetup.VARIABLES.stream().filter(v -> !all.contains(v)).forEach(all::add);
    return all;
  }

  @Override
  public Integer call() {
    throw new CommandLine.ParameterException(
        spec.commandLine(), "Name a subcommand: init or rotate-management-key");
  }

  @Override
  public Map<String, String> env() {
    return main.env();
  }

  /** Runs {@code action}, turning a refusal or a Kafka failure into one line and exit code 1. */
  private static int run(CommandSpec spec, Callable<Integer> action) throws Exception {
    PrintWriter err = spec.commandLine().getErr();
    try {
      return action.call();
    } catch (IllegalArgumentException | IllegalStateException | KafkaException e) {
      err.println("otpstream admin: " + e.getMessage());
      err.flush();
      return 1;
    }
  }

  @Command(
      name = "init",
      description = {
        "Create the topics that are missing (with OTP_TOPIC_AUTO_CREATE=false: check that all"
            + " exist) and, when no management key is in force, the first one: printed this once"
            + " on standard output, stored hashed.",
        "Safe to run again: it creates only what is missing, never a second key, and then prints"
            + " no key."
      },
      mixinStandardHelpOptions = true)
  static final class Init implements Callable<Integer> {
    @Spec CommandSpec spec;

    @ParentCommand AdminCommand parent;

    @Override
    public Integer call() throws Exception {
      return run(
          spec,
          () -> {
            PrintWriter err = spec.commandLine().getErr();
            KafkaSettings kafka = Services.kafka(parent.env());
            TopicSetup setup = TopicSetup.fromEnv(parent.env());
            try (Admin admin = Admin.create(kafka.clientProperties())) {
              TopicSetup.Outcome o = setup.ensure(admin, kafka);
              err.printf(
                  "topics: %d of %d created%s (replication factor %d, min.insync.replicas %d for"
                      + " new topics)%n",
                  o.created().size(),
                  o.topics(),
                  o.created().isEmpty() ? ", all were there" : "",
                  o.replication().factor(),
                  o.replication().minInsyncReplicas());
            }
            try (ManagementKeys keys = new ManagementKeys(kafka)) {
              var created = keys.createFirst();
              if (created.isPresent()) {
                err.println(
                    "management key: created. It is shown this once (only its hash is stored);"
                        + " keep it in your secret store. Use it as 'Authorization: Bearer <key>'.");
                err.flush();
                spec.commandLine().getOut().println(created.get());
                spec.commandLine().getOut().flush();
              } else {
                List<ManagementKey> inForce = keys.inForce();
                err.printf(
                    "management key: %d already in force (newest created %s); none created, none"
                        + " printed. To replace a lost or leaked key: otpstream admin"
                        + " rotate-management-key%n",
                    inForce.size(),
                    inForce.isEmpty() ? "-" : inForce.get(inForce.size() - 1).getCreatedAt());
              }
            }
            err.flush();
            return 0;
          });
    }
  }

  @Command(
      name = "rotate-management-key",
      description = {
        "Create a new management key, printed this once on standard output, and revoke every key"
            + " in force, in one transaction: the old key gets 401 as soon as the api instances"
            + " read the change (they follow the catalogue; well under a second).",
        "With no key in force it just creates one. Needs the topics (run init first)."
      },
      mixinStandardHelpOptions = true)
  static final class RotateManagementKey implements Callable<Integer> {
    @Spec CommandSpec spec;

    @ParentCommand AdminCommand parent;

    @Override
    public Integer call() throws Exception {
      return run(
          spec,
          () -> {
            try (ManagementKeys keys = new ManagementKeys(Services.kafka(parent.env()))) {
              ManagementKeys.Rotation r = keys.rotate();
              PrintWriter err = spec.commandLine().getErr();
              err.printf(
                  "management key: new key created, %d old key%s revoked. It is shown this once"
                      + " (only its hash is stored).%n",
                  r.revoked(), r.revoked() == 1 ? "" : "s");
              err.flush();
              spec.commandLine().getOut().println(r.key());
              spec.commandLine().getOut().flush();
            }
            return 0;
          });
    }
  }
}
