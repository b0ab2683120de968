package io.otpstream.dispatcher.delivery;

import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;

/** How a worker's consumer reads its channel's delivery and retry topics. */
public final class WorkerConsumer {
  private WorkerConsumer() {}

  public static Properties properties(DeliveryWorker.Config config) {
    Properties cp = config.kafka().clientProperties("dispatcher-" + config.channel());
    cp.put(ConsumerConfig.GROUP_ID_CONFIG, config.groupId());
    cp.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    cp.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    // only what the processor committed: a delivery of an aborted transaction is never sent
    cp.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    // the broker answers a fetch as soon as a record is there; a shorter wait only made idle
    // consumers ask again and again (idle dev process 0.35 -> 0.20 CPU s/s, docs/benchmarks.md)
    cp.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 500);
    cp.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 50);
    // a dispatcher that dies gives its partitions up after 10 s, not Kafka's default 45 s
    cp.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 10_000);
    cp.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 1_000);
    return cp;
  }
}
