package io.otpstream.api.session;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.javalin.http.Context;
import io.otpstream.api.apps.AppDirectory;
import io.otpstream.api.body.JsonBodies;
import io.otpstream.api.destination.Identifier;
import io.otpstream.api.destination.Locales;
import io.otpstream.api.errors.Echo;
import io.otpstream.api.errors.Refusal;
import io.otpstream.api.otp.Start;
import io.otpstream.api.prelude.PreludeErrors;
import io.otpstream.api.token.Challenge;
import io.otpstream.api.token.ChallengeTokens;
import io.otpstream.api.token.Verification;
import io.otpstream.schemas.apps.LoginConfig;
import io.otpstream.schemas.common.Channel;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Reads a session start (seeds 000, 001) into the {@link Start} of a flow: the identifier, given or
 * taken from a step-up challenge token, the app's login config for its channel, and the metadata
 * the session carries (flow, dispatch id, login config, challenge).
 */
final class SessionStarts {
  record StartBody(
      Identifier.Body identifier,
      @JsonProperty("challenge_token") String challengeToken,
      @JsonProperty("login_config_id") String loginConfigId,
      @JsonProperty("dispatch_id") String dispatchId) {}

  /** A start to send, the identifier it goes to and, for step-up, the challenge it answers. */
  record Parsed(Start start, Identifier identifier, Challenge challenge) {}

  private final AppDirectory directory;
  private final ChallengeTokens challenges;
  private final Clock clock;

  SessionStarts(AppDirectory directory, ChallengeTokens challenges, Clock clock) {
    this.directory = directory;
    this.challenges = challenges;
    this.clock = clock;
  }

  Parsed parse(Context ctx, String appId, String purpose) {
    StartBody body = JsonBodies.read(ctx, StartBody.class, false);
    Challenge challenge =
        Verification.OTP.equals(purpose) && body.challengeToken() != null
            ? challenge(body.challengeToken(), appId)
            : null;
    Identifier identifier = identifier(body, challenge, purpose);
    Optional<LoginConfig> config = loginConfig(appId, body.loginConfigId(), identifier.channel());
    String dispatchId = body.dispatchId();
    if (dispatchId != null
        && (dispatchId.length() > 128 || dispatchId.chars().anyMatch(c -> c < 0x21 || c > 0x7e))) {
      throw Refusal.badRequest("dispatch_id must be at most 128 printable characters");
    }

    Map<String, String> metadata = new LinkedHashMap<>();
    metadata.put("flow", purpose);
    if (dispatchId != null) {
      metadata.put("dispatch_id", dispatchId);
    }
    config.ifPresent(c -> metadata.put("login_config_id", c.getId()));
    if (challenge != null) {
      metadata.put("challenge_id", challenge.id());
    }
    Channel channel = identifier.channel();
    Start start =
        Start.to(
                channel == Channel.SMS ? identifier.value() : null,
                channel == Channel.EMAIL ? identifier.value() : null,
                List.of(channel))
            .withMessage(
                config.map(LoginConfig::getTemplateId).orElse(null),
                config.map(LoginConfig::getSenderId).orElse(null),
                Locales.fromAcceptLanguage(ctx.header("Accept-Language")))
            .withMetadata(metadata)
            .withChallenge(challenge == null ? null : challenge.id());
    return new Parsed(start, identifier, challenge);
  }

  /** The challenge a step-up token carries, for this app and not expired; else Prelude's 4xx. */
  Challenge challenge(String token, String appId) {
    ChallengeTokens.Parsed parsed = challenges.parse(token, appId, clock.instant());
    if (parsed instanceof ChallengeTokens.Valid v) {
      return v.challenge();
    }
    throw parsed instanceof ChallengeTokens.Expired
        ? PreludeErrors.expiredChallenge()
        : PreludeErrors.invalidChallenge();
  }

  private static Identifier identifier(StartBody body, Challenge challenge, String purpose) {
    if (challenge != null) {
      Identifier issued =
          Identifier.of(challenge.identifierType(), challenge.identifierValue())
              .orElseThrow(PreludeErrors::invalidChallenge);
      if (body.identifier() != null && !given(body).equals(issued)) {
        throw PreludeErrors.tokenMismatch(
            "identifier is not the one the challenge token was issued for");
      }
      return issued;
    }
    if (body.identifier() == null) {
      throw Refusal.badRequest(
          Verification.OTP.equals(purpose)
              ? "identifier or challenge_token is required"
              : "identifier is required: {\"type\": \"phone_number\", \"value\": \"+14155550123\"}");
    }
    return given(body);
  }

  private static Identifier given(StartBody body) {
    return Identifier.parse(
        body.identifier(), "identifier", Refusal::badRequest, PreludeErrors::invalidIdentifier);
  }

  private Optional<LoginConfig> loginConfig(String appId, String configId, Channel channel) {
    if (configId == null) {
      return directory.defaultLoginConfig(appId, channel);
    }
    if (configId.length() > 64) {
      throw Refusal.badRequest("login_config_id is not a login config of this app");
    }
    LoginConfig config =
        directory
            .loginConfig(appId, configId)
            .orElseThrow(
                () ->
                    Refusal.badRequest(
                        "login_config_id '"
                            + Echo.of(configId, 64)
                            + "' is not a login config of this app"));
    if (config.getChannelType() != channel) {
      throw Refusal.badRequest(
          "login_config_id names a "
              + config.getChannelType().name().toLowerCase(Locale.ROOT)
              + " login config; the identifier is for "
              + (channel == Channel.EMAIL ? "email" : "sms"));
    }
    return Optional.of(config);
  }
}
