package io.otpstream.processor.streams;

import io.otpstream.processor.decision.Entries;
import org.apache.kafka.streams.state.KeyValueStore;

/** A stage's state store as the rules see it: {@link Entries}, nothing of Kafka Streams. */
public final class StoreEntries {
  private StoreEntries() {}

  public static <V> Entries<V> of(KeyValueStore<String, V> store) {
    return new Entries<>() {
      @Override
      public V get(String key) {
        return store.get(key);
      }

      @Override
      public void put(String key, V value) {
        store.put(key, value);
      }

      @Override
      public void delete(String key) {
        store.delete(key);
      }
    };
  }
}
