package io.otpstream.processor.topology;

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
}
