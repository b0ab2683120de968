package io.otpstream.api.otp;

import io.otpstream.schemas.common.Channel;
import java.util.List;

/**
 * An open session as a family's token names it: its id, its subjects and the channels a resend
 * sends on.
 */
public record SessionRef(
    String sessionId, String subjectId, String secondarySubjectId, List<Channel> channels) {}
