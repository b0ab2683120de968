package io.otpstream.e2e.support;

import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.apache.kafka.server.common.MetadataVersion;

/**
 * One real in-JVM KRaft cluster (Kafka's own test kit) per test JVM, shared by every test class
 * that needs Kafka; classes keep apart by topic prefix and application id.
 */
public final class SharedKafka {
  private static KafkaClusterTestKit cluster;

  private SharedKafka() {}

  public static synchronized String bootstrapServers() {
    if (cluster == null) {
      try {
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
        c.format();
        c.startup();
        c.waitForReadyBrokers();
        cluster = c;
        Runtime.getRuntime()
            .addShutdownHook(
                new Thread(
                    () -> {
                      try {
                        close(); // only if the run ended without SharedKafkaLifecycle (e.g.
                        // interrupted)
                      } catch (RuntimeException e) {
                        // the JVM is exiting
                      }
                    }));
      } catch (Exception e) {
        throw new IllegalStateException("cannot start the in-JVM Kafka cluster", e);
      }
    }
    return cluster.bootstrapServers();
  }

  /**
   * Stops the cluster, if one was started; {@link SharedKafkaLifecycle} calls it when the test run
   * ends.
   */
  public static synchronized void close() {
    if (cluster != null) {
      try {
        cluster.close();
      } catch (Exception e) {
        throw new IllegalStateException("cannot stop the in-JVM Kafka cluster", e);
      } finally {
        cluster = null;
      }
    }
  }
}
