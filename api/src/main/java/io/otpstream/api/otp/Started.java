package io.otpstream.api.otp;

import io.otpstream.schemas.decision.OtpDecision;

/**
 * The decision on a start, with the subjects the session was opened under (what a family's token
 * names).
 */
public record Started(OtpDecision decision, String subjectId, String secondarySubjectId) {}
