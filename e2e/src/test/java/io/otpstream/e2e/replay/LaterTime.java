package io.otpstream.e2e.replay;

import java.time.Duration;
import java.util.function.Supplier;
import org.apache.kafka.common.utils.Time;

/**
 * Kafka's system time moved on by a fixed amount: the wall clock a replay's Kafka Streams runs on
 * (its punctuation schedule, {@code ProcessorContext.currentSystemTimeMs()}), as if the replay ran
 * that much later. Intervals stay true, so polls and commits behave as usual.
 */
final class LaterTime implements Time {
  private final long shiftMs;
  private final long shiftNs;

  LaterTime(Duration shift) {
    this.shiftMs = shift.toMillis();
    this.shiftNs = shift.toNanos();
  }

  @Override
  public long milliseconds() {
    return Time.SYSTEM.milliseconds() + shiftMs;
  }

  @Override
  public long nanoseconds() {
    return Time.SYSTEM.nanoseconds() + shiftNs;
  }

  @Override
  public void sleep(long ms) {
    Time.SYSTEM.sleep(ms);
  }

  @Override
  public void waitObject(Object obj, Supplier<Boolean> condition, long deadlineMs)
      throws InterruptedException {
    Time.SYSTEM.waitObject(obj, condition, deadlineMs - shiftMs); // the deadline is on this clock
  }
}
