package io.otpstream.e2e.support;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Every installation (topic prefix, master secret, processor application id) whose processor ran in
 * this test JVM, registered as it starts, so that the last test class of the run ({@code
 * replay.SuiteReplayVerifyTest}) can check with {@code otpstream replay verify} that the processor
 * decided every command of the whole suite deterministically. A test whose recorded log is tampered
 * with on purpose (a forged decision, say), or too long to replay in the suite, opts its
 * installation out, with the reason.
 */
public final class Installations {

  /**
   * One installation: which test class recorded it, on which cluster, and what {@code replay}
   * needs.
   */
  public record Installation(
      String recordedBy,
      String bootstrapServers,
      String topicPrefix,
      String secretBase64,
      String applicationId) {}

  /** An installation left out of the final replay, and why. */
  public record OptOut(Installation installation, String reason) {}

  private static final Map<String, Installation> recorded = new LinkedHashMap<>();
  private static final Map<String, String> optedOut = new LinkedHashMap<>();

  private Installations() {}

  /** Registers an installation whose processor starts now (the test class is found by itself). */
  public static synchronized void started(
      String bootstrapServers, String topicPrefix, String secretBase64, String applicationId) {
    recorded.putIfAbsent(
        topicPrefix,
        new Installation(
            recordingTestClass(), bootstrapServers, topicPrefix, secretBase64, applicationId));
  }

  /**
   * Leaves the installation under {@code topicPrefix} out of the final replay: its recorded log was
   * tampered with on purpose, and {@code reason} says how.
   */
  public static synchronized void notReplayable(String topicPrefix, String reason) {
    optedOut.put(topicPrefix, reason);
  }

  /** The installations to replay, in the order they were recorded. */
  public static synchronized List<Installation> replayable() {
    return recorded.values().stream().filter(i -> !optedOut.containsKey(i.topicPrefix())).toList();
  }

  /** The installations left out, with their reasons. */
  public static synchronized List<OptOut> optedOut() {
    List<OptOut> all = new ArrayList<>();
    recorded.values().stream()
        .filter(i -> optedOut.containsKey(i.topicPrefix()))
        .forEach(i -> all.add(new OptOut(i, optedOut.get(i.topicPrefix()))));
    return all;
  }

  /** The first e2e {@code ...Test} class on the stack (the one recording), or "?". */
  private static String recordingTestClass() {
    Optional<String> test =
        StackWalker.getInstance()
            .walk(
                frames ->
                    frames
                        .map(StackWalker.StackFrame::getClassName)
                        .filter(n -> n.startsWith("io.otpstream.e2e.") && n.endsWith("Test"))
                        .findFirst());
    return test.map(n -> n.substring("io.otpstream.e2e.".length())).orElse("?");
  }
}
