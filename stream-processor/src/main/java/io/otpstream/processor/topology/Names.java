package io.otpstream.processor.topology;

/** Every node and store of the topology, named once: renaming one orphans its changelog. */
public final class Names {
  // stage 0, keyed by app (apps with a quota)
  public static final String QUOTA_SOURCE = "quota-source";
  public static final String QUOTA_KEEPER = "quota-keeper";
  public static final String QUOTA_SETTINGS = "quota-settings";
  public static final String QUOTA_STORE = "quota-store";
  public static final String QUOTA_IDEMPOTENCY_STORE = "quota-idempotency-store";

  /** The sends_per_number_block windows, per number block (sends to a phone enter stage 0). */
  public static final String NUMBER_BLOCK_WINDOW_STORE = "number-block-window-store";

  public static final String QUOTA_ADMITTED_SINK = "quota-admitted-sink";
  public static final String QUOTA_REPLIES_SINK = "quota-replies-sink";
  public static final String QUOTA_EVENTS_SINK = "quota-events-sink";
  // stage 1, keyed by client IP
  public static final String REQUESTS_SOURCE = "requests-source";
  public static final String REQUEST_LIMITER = "request-limiter";
  public static final String REQUESTS_SETTINGS = "requests-settings";
  public static final String IP_WINDOW_STORE = "ip-window-store";
  public static final String IP_IDEMPOTENCY_STORE = "ip-idempotency-store";
  public static final String ADMITTED_SINK = "admitted-commands-sink";
  // stage 2, keyed by subject
  public static final String COMMANDS_SOURCE = "commands-source";
  public static final String DELIVERY_STATUS_SOURCE = "delivery-status-source";
  public static final String SESSION_DECIDER = "session-decider";
  public static final String COMMANDS_SETTINGS = "commands-settings";
  public static final String SESSION_STORE = "session-store";
  public static final String SUBJECT_WINDOW_STORE = "subject-window-store";
  public static final String SESSION_IDEMPOTENCY_STORE = "session-idempotency-store";

  /** Subject to its newest session, for the admin resend that resumes an open session. */
  public static final String SUBJECT_SESSION_STORE = "subject-session-store";

  /** Step-up challenge ids that have started a verification (each may start one), with when. */
  public static final String USED_CHALLENGE_STORE = "used-challenge-store";

  /**
   * A two-destination request counted at its second subject, on its way to its own (otp.commands).
   */
  public static final String SECONDARY_COUNTED_SINK = "secondary-counted-sink";

  public static final String LIMITER_REPLIES_SINK = "limiter-replies-sink";
  public static final String LIMITER_EVENTS_SINK = "limiter-events-sink";
  public static final String LIMITER_REFUNDS_SINK = "limiter-refunds-sink";
  // stage 2 sinks: each stage has its own, so the stages stay separate sub-topologies (own tasks,
  // own stream time)
  public static final String REPLIES_SINK = "replies-sink";
  public static final String EVENTS_SINK = "events-sink";
  public static final String DELIVERY_SMS_SINK = "delivery-sms-sink";
  public static final String DELIVERY_EMAIL_SINK = "delivery-email-sink";
  public static final String REFUNDS_SINK = "refunds-sink";

  private Names() {}
}
