package io.otpstream.e2e.faults;

import io.otpstream.schemas.audit.AuditEvent;
import io.otpstream.schemas.audit.AuditType;
import java.util.Set;

/** What the invariants read of one audit event ({@code otp.events}). */
record Decision(
    AuditType type, String requestId, String sessionId, String subjectId, Integer generation) {

  /** The types that are a decision on a request (not a delivery's status). */
  static final Set<AuditType> ON_A_REQUEST =
      Set.of(
          AuditType.SESSION_STARTED,
          AuditType.RESENT,
          AuditType.VERIFIED,
          AuditType.CHECK_FAILED,
          AuditType.LOCKED,
          AuditType.EXPIRED,
          AuditType.LIMIT_EXCEEDED,
          AuditType.REFUSED,
          AuditType.NOT_FOUND,
          AuditType.IDEMPOTENT_REPEAT);

  static Decision of(AuditEvent e) {
    return new Decision(
        e.getType(), e.getRequestId(), e.getSessionId(), e.getSubjectId(), e.getGeneration());
  }

  /** The id of the SMS this decision asks for, if it asks for one. */
  String deliveryId() {
    return sessionId + ":" + (generation == null ? 0 : generation) + ":sms";
  }
}
