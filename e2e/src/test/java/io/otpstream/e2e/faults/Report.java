package io.otpstream.e2e.faults;

import java.util.List;
import java.util.Map;

/** What an {@link Invariants} check found: figures for the record, and every broken promise. */
record Report(
    Map<String, Long> answers,
    int unknown,
    int decisions,
    int expectedDeliveries,
    int extraCopies,
    int maxSendsPerSubject,
    List<String> violations) {
  void assertHeld() {
    if (!violations.isEmpty()) {
      throw new AssertionError(
          violations.size() + " broken promises: " + String.join("\n", violations));
    }
  }

  /** The violations that time may still mend: a decision or a delivery not there yet. */
  long pending() {
    return violations.stream()
        .filter(
            s ->
                s.startsWith(Invariants.NEVER_DELIVERED)
                    || s.contains(" decided 0 times")
                    || s.contains(" decisions for "))
        .count();
  }

  @Override
  public String toString() {
    return "answers "
        + answers
        + ", unknown "
        + unknown
        + ", decisions "
        + decisions
        + ", accepted sends "
        + expectedDeliveries
        + ", extra copies delivered (in-flight window) "
        + extraCopies
        + ", most sessions started for one number "
        + maxSendsPerSubject
        + ", violations "
        + violations.size();
  }
}
