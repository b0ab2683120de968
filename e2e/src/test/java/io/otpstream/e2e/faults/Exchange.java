package io.otpstream.e2e.faults;

/**
 * One request of the load and what its client saw: the answer's status (or {@link #NO_ANSWER} when
 * the connection failed or timed out), its body and headers that matter, and when it ran.
 *
 * @param kind which endpoint
 * @param api which api instance it went to
 * @param number the phone number the session is for
 * @param sessionId the session (for a send: the one its answer named, if any)
 * @param expectVerified for a verify: whether the code sent was the right one; else null
 */
record Exchange(
    Kind kind,
    int api,
    String number,
    String sessionId,
    Boolean expectVerified,
    long startedMs,
    long endedMs,
    int status,
    String body,
    String retryAfter,
    String rule) {

  /** The status of a request that got no answer: connection refused, reset or timed out. */
  static final int NO_ANSWER = -1;

  enum Kind {
    SEND,
    RESEND,
    VERIFY
  }

  boolean ok() {
    return status >= 200 && status < 300;
  }

  /**
   * The client cannot know whether it was decided: no answer, or 503 (accepted but not decided in
   * time).
   */
  boolean unknown() {
    return status == NO_ANSWER || status == 503;
  }
}
