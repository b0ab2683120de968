package io.otpstream.processor.topology;

/** Every node and store of the topology, named once: renaming one orphans its changelog. */
public final class Names {
  public static final String COMMANDS_SOURCE = "commands-source";
  public static final String SESSION_DECIDER = "session-decider";
  public static final String SESSION_STORE = "session-store";
  public static final String REPLIES_SINK = "replies-sink";
  public static final String EVENTS_SINK = "events-sink";
  public static final String DELIVERY_SMS_SINK = "delivery-sms-sink";
  public static final String DELIVERY_EMAIL_SINK = "delivery-email-sink";

  private Names() {
  }
}
