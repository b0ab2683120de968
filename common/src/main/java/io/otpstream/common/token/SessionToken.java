package io.otpstream.common.token;

import java.util.List;

/**
 * What a session token carries: enough to route a resend or a check without a lookup, and the
 * session's channels (what a resend will send), never a destination.
 */
public record SessionToken(String appId, String subjectId, String sessionId, List<String> channels) {

  public SessionToken {
    channels = channels == null ? List.of() : List.copyOf(channels);
  }
}
