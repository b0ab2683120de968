package io.otpstream.api.errors;

/**
 * What the refused command asked for: some refusals read differently on a resend than on a start.
 */
public enum Step {
  START,
  RESEND,
  CHECK
}
