package io.otpstream.e2e.faults;

import java.util.List;

/**
 * How the clients lived through a fault, from their exchanges: how long after the fault was
 * injected, and after it was healed, the first request begun from then on succeeded; the longest
 * time without a success; and the answers that were not a success meanwhile.
 *
 * @param firstSuccessAfterFaultMs from injection to the end of the first 2xx request begun after it
 * @param firstSuccessAfterHealMs from healing to the end of the first 2xx request begun after it
 * @param longestGapMs the longest time between two 2xx answers, from the injection on
 * @param unknownDuring requests begun between injection and healing whose answer is unknown
 */
record Recovery(
    long firstSuccessAfterFaultMs,
    long firstSuccessAfterHealMs,
    long longestGapMs,
    long unknownDuring) {

  static Recovery of(List<Exchange> exchanges, long faultAtMs, long healedAtMs) {
    List<Long> successes =
        exchanges.stream()
            .filter(Exchange::ok)
            .map(Exchange::endedMs)
            .filter(t -> t >= faultAtMs)
            .sorted()
            .toList();
    long gap = 0;
    long previous = faultAtMs;
    for (long t : successes) {
      gap = Math.max(gap, t - previous);
      previous = t;
    }
    return new Recovery(
        firstSuccess(exchanges, faultAtMs),
        firstSuccess(exchanges, healedAtMs),
        gap,
        exchanges.stream()
            .filter(e -> e.startedMs() >= faultAtMs && e.startedMs() <= healedAtMs)
            .filter(Exchange::unknown)
            .count());
  }

  private static long firstSuccess(List<Exchange> exchanges, long fromMs) {
    return exchanges.stream()
        .filter(e -> e.ok() && e.startedMs() >= fromMs)
        .mapToLong(e -> e.endedMs() - fromMs)
        .min()
        .orElse(-1);
  }

  @Override
  public String toString() {
    return "first success "
        + firstSuccessAfterFaultMs
        + " ms after the fault, "
        + firstSuccessAfterHealMs
        + " ms after healing; longest gap without a success "
        + longestGapMs
        + " ms; unknown answers during the fault "
        + unknownDuring;
  }
}
