package io.otpstream.bench.growth;

import java.util.Map;
import org.apache.kafka.streams.state.RocksDBConfigSetter;
import org.rocksdb.Options;

/**
 * RocksDB settings for a restore probe: 64 MiB memtables, four of them (Kafka Streams' defaults are
 * 16 MiB and three), so a restore writes fewer, larger files.
 */
public final class LargeWriteBuffers implements RocksDBConfigSetter {
  @Override
  public void setConfig(String storeName, Options options, Map<String, Object> configs) {
    options.setWriteBufferSize(64L * 1024 * 1024);
    options.setMaxWriteBufferNumber(4);
  }

  @Override
  public void close(String storeName, Options options) {}
}
