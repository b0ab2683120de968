package io.otpstream.api.token;

import java.util.List;

/**
 * What a session token carries: enough to route a resend or a check without a lookup, the session's
 * channels (what a resend will send) and, for a send to both a phone and an email, the email's
 * subject (whose limits count a resend too); never a destination.
 *
 * @param secondarySubjectId the subject of the session's second destination, or null
 */
public record SessionToken(
    String appId,
    String subjectId,
    String sessionId,
    List<String> channels,
    String secondarySubjectId) {

  public SessionToken {
    channels = channels == null ? List.of() : List.copyOf(channels);
  }

  public SessionToken(String appId, String subjectId, String sessionId, List<String> channels) {
    this(appId, subjectId, sessionId, channels, null);
  }
}
