package io.otpstream.processor.session;

import io.otpstream.schemas.audit.AuditEvent;
import io.otpstream.schemas.decision.OtpDecision;
import io.otpstream.schemas.delivery.DeliveryRequested;
import io.otpstream.schemas.session.SessionState;
import java.util.List;

/**
 * Everything one command leads to, emitted together in one Streams transaction.
 *
 * @param newState the session's state after the command, or null when it did not change
 */
public record Decided(
    SessionState newState,
    OtpDecision reply,
    List<DeliveryRequested> deliveries,
    List<AuditEvent> events) {}
