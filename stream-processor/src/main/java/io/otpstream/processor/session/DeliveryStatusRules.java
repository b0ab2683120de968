package io.otpstream.processor.session;

import io.otpstream.schemas.audit.AuditEvent;
import io.otpstream.schemas.audit.AuditType;
import io.otpstream.schemas.decision.Outcome;
import io.otpstream.schemas.delivery.DeliveryStatus;
import io.otpstream.schemas.session.SessionState;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A dispatcher's report on one delivery: the session keeps the latest state of each channel (for
 * the code now current), and the audit log gets a line either way.
 */
final class DeliveryStatusRules {
  private DeliveryStatusRules() {}

  /**
   * @param session the session after the report, or null when it did not change
   */
  record Noted(SessionState session, AuditEvent event) {}

  /**
   * @param found the session the status names, as stored (null when none)
   */
  static Noted onStatus(DeliveryStatus status, SessionState found) {
    // a status names its session, subject and app: all three must match before it touches the
    // session
    SessionState s =
        found != null
                && found.getSubjectId().equals(status.getSubjectId())
                && found.getAppId().equals(status.getAppId())
            ? found
            : null;
    String channel = status.getChannel().name().toLowerCase(Locale.ROOT);
    Integer generation = DeliveryIds.generation(status.getDeliveryId());
    SessionState updated = null;
    if (s != null && generation != null && generation == s.getGeneration()) {
      Map<String, String> states = new HashMap<>(s.getDeliveryStates());
      states.put(channel, status.getState().name());
      updated = SessionState.newBuilder(s).setDeliveryStates(states).build();
    }
    AuditEvent event =
        AuditEvent.newBuilder()
            .setType(AuditType.DELIVERY_STATUS)
            .setOutcome(Outcome.UNKNOWN)
            .setOccurredAt(status.getOccurredAt())
            .setAppId(status.getAppId())
            .setSubjectId(status.getSubjectId())
            .setSessionId(status.getSessionId())
            .setGeneration(generation)
            .setSettingsVersion(s == null ? 0 : s.getSettingsVersion())
            .setDetail(
                channel
                    + " "
                    + status.getState().name()
                    + " via "
                    + status.getProvider()
                    + " (attempt "
                    + status.getAttempt()
                    + ")"
                    + (status.getDetail() == null ? "" : ": " + status.getDetail()))
            .build();
    return new Noted(updated, event);
  }
}
