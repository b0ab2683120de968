package io.otpstream.dev.broker;

import io.otpstream.common.files.OwnerOnly;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;

/**
 * A real single-node Kafka (combined KRaft broker and controller) running inside this process, with
 * its log under {@code dataDir} (owner-only): formatted on first start, reused afterwards, so a
 * restart keeps every topic.
 */
public final class EmbeddedKafka implements AutoCloseable {
  private final Path dir;
  private final int port;
  private final int controllerPort;
  private KafkaRaftServer server;

  public EmbeddedKafka(Path dataDir, int port, int controllerPort) {
    this.dir = dataDir.toAbsolutePath();
    this.port = port;
    this.controllerPort = controllerPort;
  }

  public String bootstrapServers() {
    return "localhost:" + port;
  }

  public EmbeddedKafka start() throws IOException {
    OwnerOnly.folder(dir);
    Properties p = new Properties();
    p.put("process.roles", "broker,controller");
    p.put("node.id", "1");
    p.put("controller.quorum.voters", "1@localhost:" + controllerPort);
    p.put(
        "listeners", "PLAINTEXT://localhost:" + port + ",CONTROLLER://localhost:" + controllerPort);
    p.put("advertised.listeners", "PLAINTEXT://localhost:" + port);
    p.put("controller.listener.names", "CONTROLLER");
    p.put("inter.broker.listener.name", "PLAINTEXT");
    p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
    p.put("log.dirs", dir.resolve("logs").toString());
    p.put("num.partitions", "1");
    p.put("offsets.topic.replication.factor", "1");
    p.put("transaction.state.log.replication.factor", "1");
    p.put("transaction.state.log.min.isr", "1");
    p.put("share.coordinator.state.topic.replication.factor", "1");
    p.put("share.coordinator.state.topic.min.isr", "1");
    p.put("group.initial.rebalance.delay.ms", "0");
    p.put("auto.create.topics.enable", "false");
    Path config = dir.resolve("server.properties");
    try (OutputStream out = Files.newOutputStream(config)) {
      p.store(out, "written by otpstream dev on every start");
    }
    if (!Files.exists(dir.resolve("logs").resolve("meta.properties"))) {
      ByteArrayOutputStream formatOutput = new ByteArrayOutputStream();
      int rc =
          StorageTool.execute(
              new String[] {"format", "-t", Uuid.randomUuid().toString(), "-c", config.toString()},
              new PrintStream(formatOutput, true, StandardCharsets.UTF_8));
      if (rc != 0) {
        throw new IllegalStateException(
            "cannot format Kafka storage in "
                + dir
                + ": "
                + formatOutput.toString(StandardCharsets.UTF_8));
      }
    }
    server = new KafkaRaftServer(KafkaConfig.fromProps(p, false), Time.SYSTEM);
    server.startup();
    return this;
  }

  @Override
  public void close() {
    if (server != null) {
      server.shutdown();
      server.awaitShutdown();
      server = null;
    }
  }
}
