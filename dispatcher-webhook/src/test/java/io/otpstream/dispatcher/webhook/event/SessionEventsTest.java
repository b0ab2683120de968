package io.otpstream.dispatcher.webhook.event;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.otpstream.schemas.audit.AuditEvent;
import io.otpstream.schemas.audit.AuditType;
import io.otpstream.schemas.decision.Outcome;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Which audit events become webhooks, and what their bodies say. */
class SessionEventsTest {
  private static AuditEvent event(AuditType type, String detail) {
    return AuditEvent.newBuilder()
        .setType(type)
        .setOutcome(Outcome.UNKNOWN)
        .setOccurredAt(Instant.parse("2026-12-03T10:00:00Z"))
        .setAppId("app-1")
        .setSubjectId("subject-hash")
        .setSessionId("ses_1")
        .setDetail(detail)
        .build();
  }

  @Test
  void a_delivery_report_becomes_sent_delivered_or_failed() {
    assertEquals(
        Optional.of(new SessionEvents.SessionEvent("sent", "sms", "sent")),
        SessionEvents.of(event(AuditType.DELIVERY_STATUS, "sms SENT via outbox (attempt 1)")));
    assertEquals(
        "delivered",
        SessionEvents.of(event(AuditType.DELIVERY_STATUS, "email DELIVERED via smtp (attempt 1)"))
            .orElseThrow()
            .type());
    assertEquals(
        "failed",
        SessionEvents.of(event(AuditType.DELIVERY_STATUS, "sms DEAD_LETTERED via http (attempt 5)"))
            .orElseThrow()
            .type());
    assertTrue(
        SessionEvents.of(event(AuditType.DELIVERY_STATUS, "sms RETRYING via http (attempt 1)"))
            .isEmpty());
  }

  @Test
  void refusals_and_starts_are_not_posted() {
    assertFalse(SessionEvents.of(event(AuditType.SESSION_STARTED, null)).isPresent());
    assertFalse(SessionEvents.of(event(AuditType.CHECK_FAILED, null)).isPresent());
    assertEquals(
        "verified", SessionEvents.of(event(AuditType.VERIFIED, null)).orElseThrow().type());
  }

  @Test
  void the_body_names_the_session_and_never_the_subject() {
    AuditEvent e = event(AuditType.DELIVERY_STATUS, "sms DELIVERED via smpp (attempt 1)");
    String body = Payloads.of(e, SessionEvents.of(e).orElseThrow());
    assertEquals(
        "{\"type\":\"otp.session.delivered\",\"timestamp\":\"2026-12-03T10:00:00Z\",\"data\":"
            + "{\"session_id\":\"ses_1\",\"app_id\":\"app-1\",\"channel\":\"sms\",\"status\":\"delivered\"}}",
        body);
  }
}
