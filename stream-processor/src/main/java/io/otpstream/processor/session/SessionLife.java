package io.otpstream.processor.session;

import io.otpstream.schemas.command.CommandMeta;
import io.otpstream.schemas.session.SessionState;
import io.otpstream.schemas.session.SessionStatus;
import java.time.Duration;
import java.time.Instant;

/**
 * How long a session lives: open until it expires (or is verified or locked), then kept an hour for
 * its answers.
 */
final class SessionLife {
  /** How long a session is kept after it expires; past that it reads as unknown (and is purged). */
  static final Duration RETENTION_AFTER_EXPIRY = Duration.ofHours(1);

  private SessionLife() {}

  /**
   * Is the session still kept at {@code now}? Past this, it reads as unknown whether or not
   * housekeeping has purged it yet, so purging never changes a decision.
   */
  static boolean retained(SessionState s, Instant now) {
    return now.isBefore(s.getExpiresAt().plus(RETENTION_AFTER_EXPIRY));
  }

  /** Housekeeping may drop the session once stream time is past its retention. */
  static boolean purgeable(SessionState s, long streamTime) {
    return streamTime >= s.getExpiresAt().toEpochMilli() + RETENTION_AFTER_EXPIRY.toMillis();
  }

  /**
   * Is {@code s} still open (not verified, locked or expired) for the command, in the command's key
   * mode?
   */
  static boolean openFor(SessionState s, CommandMeta m) {
    return s != null
        && s.getStatus() == SessionStatus.OPEN
        && m.getOccurredAt().isBefore(s.getExpiresAt())
        && s.getSandbox() == m.getSandbox();
  }
}
