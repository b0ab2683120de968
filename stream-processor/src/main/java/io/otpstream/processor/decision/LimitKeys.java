package io.otpstream.processor.decision;

import io.otpstream.schemas.command.CommandMeta;

/**
 * What each limit counts by. Sandbox traffic has windows of its own, so a test key can never use up
 * a real user's limits. A client is its limit key (a keyed hash of app and address group, see the
 * api's ClientAddresses), or its recorded address for commands written before there was one.
 */
public final class LimitKeys {
  private static final String SANDBOX = "sandbox:";

  private LimitKeys() {}

  /** The per-IP windows' key of a command's client. */
  public static String client(CommandMeta m) {
    return mode(m, source(m));
  }

  /** The per-subject windows' key. */
  public static String subject(String subjectId, CommandMeta m) {
    return mode(m, subjectId);
  }

  /**
   * Wrong codes are counted per subject and source: one source reaching its limit does not stop the
   * others.
   */
  public static String subjectFromSource(String subjectId, CommandMeta m) {
    return mode(m, subjectId + "|" + source(m));
  }

  private static String source(CommandMeta m) {
    return m.getIpKey() != null ? m.getIpKey() : m.getClientIp();
  }

  private static String mode(CommandMeta m, String key) {
    return m.getSandbox() ? SANDBOX + key : key;
  }
}
