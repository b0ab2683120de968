package io.otpstream.launcher.audit;

import io.otpstream.schemas.audit.AuditEvent;
import java.time.Instant;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * Which audit events a timeline shows: one session's, one subject's or one client address's (each
 * by the opaque id the topics carry), or a whole app's; within an optional time window [since,
 * until).
 */
public record AuditQuery(String what, Predicate<AuditEvent> matches, Instant since, Instant until) {

  public static AuditQuery session(String sessionId) {
    return new AuditQuery(
        "session " + sessionId, e -> sessionId.equals(e.getSessionId()), null, null);
  }

  /** A subject by its id (see {@code api/subject/Subjects}), in one app. */
  public static AuditQuery subject(String appId, String subjectId) {
    return new AuditQuery(
        "subject " + subjectId + " of app " + appId,
        e -> appId.equals(e.getAppId()) && subjectId.equals(e.getSubjectId()),
        null,
        null);
  }

  /** A client address by its id (see {@code api/address/ClientAddresses}), in one app. */
  public static AuditQuery address(String appId, String addressId) {
    return new AuditQuery(
        "address " + addressId + " of app " + appId,
        e -> appId.equals(e.getAppId()) && addressId.equals(e.getClientIp()),
        null,
        null);
  }

  public static AuditQuery app(String appId) {
    return new AuditQuery("app " + appId, e -> appId.equals(e.getAppId()), null, null);
  }

  /** The same query within [since, until); a null bound is open. */
  public AuditQuery within(Instant since, Instant until) {
    return new AuditQuery(what, matches, since, until);
  }

  /** Does {@code e} belong to the timeline? */
  public boolean test(AuditEvent e) {
    Instant t = e.getOccurredAt();
    return (since == null || !t.isBefore(since))
        && (until == null || t.isBefore(until))
        && matches.test(e);
  }

  public AuditQuery {
    Objects.requireNonNull(what);
    Objects.requireNonNull(matches);
  }
}
