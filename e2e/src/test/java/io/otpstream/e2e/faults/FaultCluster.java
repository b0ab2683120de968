package io.otpstream.e2e.faults;

import kafka.server.BrokerServer;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.apache.kafka.server.common.MetadataVersion;

/**
 * A KRaft cluster of the fault suite's own, in this JVM (Kafka's test kit): three brokers and three
 * separate controllers (three combined nodes do not start in the 4.3.1 test kit), every topic with
 * three copies of which two must be in sync, so that one broker can be shut down while the others
 * keep serving, and started again.
 */
final class FaultCluster implements AutoCloseable {
  static final int BROKERS = 3;
  private final KafkaClusterTestKit cluster;

  private FaultCluster(KafkaClusterTestKit cluster) {
    this.cluster = cluster;
  }

  static FaultCluster start() throws Exception {
    TestKitNodes nodes =
        new TestKitNodes.Builder()
            .setBootstrapMetadataVersion(MetadataVersion.latestProduction())
            .setCombined(false)
            .setNumBrokerNodes(BROKERS)
            .setNumControllerNodes(3)
            .build();
    KafkaClusterTestKit c =
        new KafkaClusterTestKit.Builder(nodes)
            .setConfigProp("default.replication.factor", "3")
            .setConfigProp("min.insync.replicas", "2")
            .setConfigProp("offsets.topic.replication.factor", "3")
            .setConfigProp("transaction.state.log.replication.factor", "3")
            .setConfigProp("transaction.state.log.min.isr", "2")
            .setConfigProp("group.initial.rebalance.delay.ms", "0")
            .setConfigProp("auto.create.topics.enable", "false")
            .build();
    try {
      c.format();
      c.startup();
      c.waitForReadyBrokers();
    } catch (Exception e) {
      c.close();
      throw e;
    }
    return new FaultCluster(c);
  }

  String bootstrapServers() {
    return cluster.bootstrapServers();
  }

  /** The id of one of the brokers (the test kit numbers them from 0). */
  int aBroker() {
    return cluster.brokers().keySet().iterator().next();
  }

  /** Shuts broker {@code id} down cleanly and waits until it has stopped. */
  void stopBroker(int id) {
    BrokerServer broker = cluster.brokers().get(id);
    broker.shutdown();
    broker.awaitShutdown();
  }

  /** Starts broker {@code id} again, on its own log folders. */
  void startBroker(int id) {
    cluster.brokers().get(id).startup();
  }

  @Override
  public void close() throws Exception {
    cluster.close();
  }
}
