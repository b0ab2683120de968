package io.otpstream.launcher.service;

import io.otpstream.api.health.HealthChecks;
import io.otpstream.common.kafka.KafkaSettings;
import io.otpstream.common.metrics.ServiceMetrics;
import io.otpstream.common.secret.Secrets;
import io.otpstream.launcher.config.Checked;
import io.otpstream.launcher.config.Environment;
import io.otpstream.launcher.config.ReadsEnvironment;
import io.otpstream.launcher.ops.GracefulStop;
import io.otpstream.launcher.ops.OpsServer;
import io.otpstream.processor.ProcessorService;
import io.otpstream.schemas.topics.Replication;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code otpstream processor}: the Kafka Streams processor, with a health endpoint. */
@Command(
    name = "processor",
    mixinStandardHelpOptions = true,
    description = "Run the stream processor.")
public final class ProcessorCommand implements Callable<Integer>, ReadsEnvironment {
  @ParentCommand Environment main;

  @Mixin ServiceOptions service;

  @Option(
      names = "--application-id",
      defaultValue = "otp-processor",
      description = "Kafka Streams application id (default: ${DEFAULT-VALUE}).")
  String applicationId;

  @Option(
      names = "--state-dir",
      defaultValue = "/var/lib/otpstream/streams",
      description = "Kafka Streams state directory (default: ${DEFAULT-VALUE}).")
  Path stateDir;

  @Option(
      names = "--health-port",
      converter = Checked.Port.class,
      defaultValue = "8081",
      description =
          "Port of /health/live, /health/ready and /metrics, 0 for any (default: ${DEFAULT-VALUE}).")
  int healthPort;

  @Override
  public List<String> variables() {
    List<String> all = new ArrayList<>(Services.COMMON);
    all.add(ProcessorService.COMMIT_INTERVAL_VARIABLE);
    all.add(ProcessorService.STANDBY_REPLICAS_VARIABLE);
    all.add(ProcessorService.STREAM_THREADS_VARIABLE);
    return all;
  }

  @Override
  public Integer call() throws Exception {
    KafkaSettings kafka = Services.kafka(main.env());
    Secrets secrets = Services.secrets(main.env());
    ProcessorService.Config.of(kafka, applicationId, stateDir, main.env()); // settings checked
    Replication replication =
        Services.start(Services.check(kafka, service.kafkaWaitMs), main.env());
    // the changelog and repartition topics Streams creates get the replication of ours
    ProcessorService.Config config =
        ProcessorService.Config.of(
                kafka.withReplicationFactor(replication.factor()),
                applicationId,
                stateDir,
                main.env())
            .withMinInsyncReplicas(replication.minInsyncReplicas());
    ServiceMetrics metrics = new ServiceMetrics("processor");
    ProcessorService p = new ProcessorService(config, secrets, metrics.registry());
    p.start();
    OpsServer ops =
        OpsServer.start(
            healthPort,
            HealthChecks.of("streams", p::live),
            HealthChecks.of("streams_running", p::ready),
            metrics);
    return GracefulStop.runUntilStopped(service.stopTimeout(), p, ops, metrics);
  }
}
