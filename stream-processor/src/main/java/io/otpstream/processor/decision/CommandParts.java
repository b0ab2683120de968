package io.otpstream.processor.decision;

import io.otpstream.schemas.command.CommandMeta;
import io.otpstream.schemas.command.OtpCheckRequested;
import io.otpstream.schemas.command.OtpRequested;
import io.otpstream.schemas.command.OtpRetried;

/** The parts every session command has, whichever of the union it is. */
public final class CommandParts {
  private CommandParts() {
  }

  /** The command's metadata; null for anything that is not a session command (e.g. a quota refund). */
  public static CommandMeta meta(Object command) {
    if (command instanceof OtpRequested c) {
      return c.getMeta();
    }
    if (command instanceof OtpRetried c) {
      return c.getMeta();
    }
    return command instanceof OtpCheckRequested c ? c.getMeta() : null;
  }

  /** The subject a session command is about; null otherwise. */
  public static String subject(Object command) {
    if (command instanceof OtpRequested c) {
      return c.getSubjectId();
    }
    if (command instanceof OtpRetried c) {
      return c.getSubjectId();
    }
    return command instanceof OtpCheckRequested c ? c.getSubjectId() : null;
  }

  /**
   * The subject whose partition the command goes to next: the secondary subject of a send or
   * resend that names one and has not been counted there yet, else its subject.
   */
  public static String route(Object command) {
    String secondary = secondaryPending(command);
    return secondary != null ? secondary : subject(command);
  }

  /** The secondary subject a send or resend still has to be counted under; null when none or done. */
  public static String secondaryPending(Object command) {
    if (command instanceof OtpRequested c && c.getSecondarySubjectId() != null && !c.getSecondaryCounted()) {
      return c.getSecondarySubjectId();
    }
    if (command instanceof OtpRetried c && c.getSecondarySubjectId() != null && !c.getSecondaryCounted()) {
      return c.getSecondarySubjectId();
    }
    return null;
  }
}
