package io.otpstream.e2e.support;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.utils.Utils;

/**
 * The partition a record with a String key lands on when no partition is named: what the api's
 * producer and the Streams sinks both do (Kafka's default partitioner, murmur2 over the key's
 * bytes).
 */
public final class KeyPartitions {
  private KeyPartitions() {}

  public static int of(String key, int partitions) {
    return Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % partitions;
  }
}
