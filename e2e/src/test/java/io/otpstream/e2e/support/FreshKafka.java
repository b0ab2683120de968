package io.otpstream.e2e.support;

import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.apache.kafka.server.common.MetadataVersion;

/**
 * A one-node in-JVM KRaft cluster of a test's own, empty when it starts (unlike {@link
 * SharedKafka}): for tests of what happens on a fresh cluster. The broker never creates a topic on
 * its own.
 */
public final class FreshKafka implements AutoCloseable {
  private final KafkaClusterTestKit cluster;

  private FreshKafka(KafkaClusterTestKit cluster) {
    this.cluster = cluster;
  }

  public static FreshKafka start() throws Exception {
    TestKitNodes nodes =
        new TestKitNodes.Builder()
            .setBootstrapMetadataVersion(MetadataVersion.latestProduction())
            .setCombined(true)
            .setNumBrokerNodes(1)
            .setNumControllerNodes(1)
            .build();
    KafkaClusterTestKit c =
        new KafkaClusterTestKit.Builder(nodes)
            .setConfigProp("offsets.topic.replication.factor", "1")
            .setConfigProp("transaction.state.log.replication.factor", "1")
            .setConfigProp("transaction.state.log.min.isr", "1")
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
    return new FreshKafka(c);
  }

  public String bootstrapServers() {
    return cluster.bootstrapServers();
  }

  @Override
  public void close() throws Exception {
    cluster.close();
  }
}
