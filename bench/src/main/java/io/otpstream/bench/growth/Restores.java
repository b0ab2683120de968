package io.otpstream.bench.growth;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.processor.StateRestoreListener;

/**
 * Follows a Kafka Streams client's store restorations: how many are under way, when the last one
 * ended, and how many records they restored.
 */
final class Restores implements StateRestoreListener {
  private int started;
  private int active;
  private long lastChange;
  private long lastEnd;
  private long records;

  @Override
  public void onRestoreStart(TopicPartition tp, String store, long startOffset, long endOffset) {
    started(System.nanoTime());
  }

  @Override
  public void onBatchRestored(TopicPartition tp, String store, long batchEndOffset, long n) {
    restored(n);
  }

  @Override
  public void onRestoreEnd(TopicPartition tp, String store, long totalRestored) {
    ended(System.nanoTime());
  }

  synchronized void started(long at) {
    started++;
    active++;
    lastChange = at;
  }

  synchronized void restored(long n) {
    records += n;
  }

  synchronized void ended(long at) {
    active--;
    lastChange = at;
    lastEnd = at;
  }

  /**
   * True when some restoration started, none is under way, and nothing changed after {@code at}.
   */
  synchronized boolean quietSince(long at) {
    return started > 0 && active == 0 && lastChange <= at;
  }

  synchronized long lastEnd() {
    return lastEnd;
  }

  synchronized long records() {
    return records;
  }
}
