package io.otpstream.api.otp;

import io.otpstream.schemas.common.Channel;
import java.util.List;
import java.util.Map;

/**
 * A new session as a family parsed it: destinations normalised (E.164, lower-cased email) but not
 * yet sealed, the channels in the client's order, and the optional overrides, wording and context.
 * Built with {@link #to} and the {@code with…} steps.
 */
public record Start(
    String sms,
    String email,
    List<Channel> channels,
    Integer otpLength,
    Integer expirySeconds,
    Integer maxAttempts,
    String templateId,
    String senderId,
    String locale,
    Map<String, String> metadata,
    String challengeId,
    boolean resumeOpen) {

  public static Start to(String sms, String email, List<Channel> channels) {
    return new Start(
        sms,
        email,
        List.copyOf(channels),
        null,
        null,
        null,
        null,
        null,
        null,
        Map.of(),
        null,
        false);
  }

  /** Per-request bounds, each null for the app's setting. */
  public Start withOverrides(Integer length, Integer expiry, Integer attempts) {
    return new Start(
        sms,
        email,
        channels,
        length,
        expiry,
        attempts,
        templateId,
        senderId,
        locale,
        metadata,
        challengeId,
        resumeOpen);
  }

  /** How the message is written and signed, each null for the default. */
  public Start withMessage(String template, String sender, String language) {
    return new Start(
        sms,
        email,
        channels,
        otpLength,
        expirySeconds,
        maxAttempts,
        template,
        sender,
        language,
        metadata,
        challengeId,
        resumeOpen);
  }

  public Start withMetadata(Map<String, String> values) {
    return new Start(
        sms,
        email,
        channels,
        otpLength,
        expirySeconds,
        maxAttempts,
        templateId,
        senderId,
        locale,
        values,
        challengeId,
        resumeOpen);
  }

  /** The step-up challenge this session answers. */
  public Start withChallenge(String id) {
    return new Start(
        sms,
        email,
        channels,
        otpLength,
        expirySeconds,
        maxAttempts,
        templateId,
        senderId,
        locale,
        metadata,
        id,
        resumeOpen);
  }

  /**
   * The admin resend: resend on the user's open session, if there is one, rather than open a new
   * one (with a phone and an email, under either subject).
   */
  public Start resumingOpen() {
    return new Start(
        sms,
        email,
        channels,
        otpLength,
        expirySeconds,
        maxAttempts,
        templateId,
        senderId,
        locale,
        metadata,
        challengeId,
        true);
  }
}
