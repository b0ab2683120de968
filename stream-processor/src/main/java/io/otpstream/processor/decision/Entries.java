package io.otpstream.processor.decision;

/**
 * The keyed state a rule reads and writes (a stage's state store, as its adapter hands it in), seen
 * without Kafka Streams so that the rules and the shared pieces stay plain functions of their
 * input.
 */
public interface Entries<V> {
  V get(String key);

  void put(String key, V value);

  void delete(String key);
}
