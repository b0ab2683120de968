package io.otpstream.processor.streams;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BiPredicate;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Housekeeping over a store: deletes the entries a predicate marks stale (the iterator is closed
 * first).
 */
public final class Sweep {
  private Sweep() {}

  public static <V> void deleteWhere(KeyValueStore<String, V> store, BiPredicate<String, V> stale) {
    List<String> doomed = new ArrayList<>();
    try (KeyValueIterator<String, V> it = store.all()) {
      it.forEachRemaining(
          kv -> {
            if (stale.test(kv.key, kv.value)) {
              doomed.add(kv.key);
            }
          });
    }
    doomed.forEach(store::delete);
  }
}
