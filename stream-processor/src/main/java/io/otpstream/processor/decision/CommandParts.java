package io.otpstream.processor.decision;

import io.otpstream.schemas.command.CommandMeta;
import io.otpstream.schemas.command.OtpCheckRequested;
import io.otpstream.schemas.command.OtpRequested;
import io.otpstream.schemas.command.OtpRetried;
import io.otpstream.schemas.limits.RuleCheck;
import java.util.ArrayList;
import java.util.List;

/**
 * The parts every session command has, whichever of the union it is; and a command with new
 * metadata.
 */
public final class CommandParts {
  private static final Parts NONE = new Parts(null, null, null, null, false);

  private CommandParts() {}

  private record Parts(
      CommandMeta meta,
      String subject,
      String session,
      String secondary,
      boolean secondaryCounted) {}

  private static Parts of(Object command) {
    if (command instanceof OtpRequested c) {
      return new Parts(
          c.getMeta(),
          c.getSubjectId(),
          c.getSessionId(),
          c.getSecondarySubjectId(),
          c.getSecondaryCounted());
    }
    if (command instanceof OtpRetried c) {
      return new Parts(
          c.getMeta(),
          c.getSubjectId(),
          c.getSessionId(),
          c.getSecondarySubjectId(),
          c.getSecondaryCounted());
    }
    return command instanceof OtpCheckRequested c
        ? new Parts(c.getMeta(), c.getSubjectId(), c.getSessionId(), null, false)
        : NONE;
  }

  /**
   * The command's metadata; null for anything that is not a session command (e.g. a quota refund).
   */
  public static CommandMeta meta(Object command) {
    return of(command).meta();
  }

  /** The subject a session command is about; null otherwise. */
  public static String subject(Object command) {
    return of(command).subject();
  }

  /** The session a session command names; null otherwise. */
  public static String sessionId(Object command) {
    return of(command).session();
  }

  /**
   * The subject whose partition the command goes to next: the secondary subject of a send or resend
   * that names one and has not been counted there yet, else its subject.
   */
  public static String route(Object command) {
    String secondary = secondaryPending(command);
    return secondary != null ? secondary : subject(command);
  }

  /**
   * The secondary subject a send or resend still has to be counted under; null when none or done.
   */
  public static String secondaryPending(Object command) {
    Parts p = of(command);
    return p.secondary() != null && !p.secondaryCounted() ? p.secondary() : null;
  }

  /**
   * A new send, resend or check like {@code command} with {@code meta}: a stage never changes the
   * record it was given.
   */
  public static Object withMeta(Object command, CommandMeta meta) {
    if (command instanceof OtpRequested c) {
      return OtpRequested.newBuilder(c).setMeta(meta).build();
    }
    if (command instanceof OtpRetried c) {
      return OtpRetried.newBuilder(c).setMeta(meta).build();
    }
    if (command instanceof OtpCheckRequested c) {
      return OtpCheckRequested.newBuilder(c).setMeta(meta).build();
    }
    throw new IllegalArgumentException("not a session command: " + command);
  }

  /** New metadata like {@code m}, with the rule checks a stage passed added to those before. */
  public static CommandMeta.Builder passed(CommandMeta m, List<RuleCheck> checks) {
    List<RuleCheck> all = new ArrayList<>(m.getChecks());
    all.addAll(checks);
    return CommandMeta.newBuilder(m).setChecks(all);
  }
}
