package io.otpstream.api.session;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import io.otpstream.api.apps.AppDirectory;
import io.otpstream.api.apps.AppHost;
import io.otpstream.api.destination.Identifier;
import io.otpstream.api.destination.Locales;
import io.otpstream.api.errors.Echo;
import io.otpstream.api.errors.ErrorFamily;
import io.otpstream.api.body.JsonBodies;
import io.otpstream.api.errors.Refusal;
import io.otpstream.api.errors.Step;
import io.otpstream.api.otp.Caller;
import io.otpstream.api.otp.EnteredCode;
import io.otpstream.api.otp.OtpFlows;
import io.otpstream.api.otp.SessionRef;
import io.otpstream.api.otp.Start;
import io.otpstream.api.prelude.PreludeErrors;
import io.otpstream.api.token.AccessTokens;
import io.otpstream.api.token.Challenge;
import io.otpstream.api.token.ChallengeTokens;
import io.otpstream.api.token.Verification;
import io.otpstream.api.token.VerificationTokens;
import io.otpstream.schemas.apps.App;
import io.otpstream.schemas.apps.LoginConfig;
import io.otpstream.schemas.common.Channel;
import io.otpstream.schemas.decision.OtpDecision;
import io.otpstream.schemas.decision.Outcome;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The frontend session API, compatible with Prelude (seeds 000, 001): login OTP, standalone and
 * step-up OTP. No key: the app is the Host's first label, and a session lives in the
 * {@code __Host-verification-login_{appId}} cookie. Each call is one command and one decision.
 */
public final class SessionRoutes {
  static final String LOGIN = "/v1/session/login/otp";
  static final String OTP = "/v1/session/otp";

  record StartBody(Identifier.Body identifier, @JsonProperty("challenge_token") String challengeToken,
                   @JsonProperty("login_config_id") String loginConfigId, @JsonProperty("dispatch_id") String dispatchId) {
  }

  record CheckBody(String code, @JsonProperty("challenge_token") String challengeToken) {
  }

  record LoginChecked(@JsonProperty("access_token") String accessToken, @JsonProperty("expires_at") long expiresAt) {
  }

  record StepUpChecked(@JsonProperty("challenge_token") String challengeToken) {
  }

  private final AppDirectory directory;
  private final OtpFlows flows;
  private final VerificationTokens cookies;
  private final ChallengeTokens challenges;
  private final AccessTokens accessTokens;
  private final DpopProofs dpop;
  private final Clock clock;
  private final ErrorFamily family;

  public SessionRoutes(AppDirectory directory, OtpFlows flows, VerificationTokens cookies, ChallengeTokens challenges,
                       AccessTokens accessTokens, Clock clock, ErrorFamily family) {
    this.directory = directory;
    this.flows = flows;
    this.cookies = cookies;
    this.challenges = challenges;
    this.accessTokens = accessTokens;
    this.dpop = new DpopProofs(clock);
    this.clock = clock;
    this.family = family;
  }

  /** The retry endpoints take no body (seed 000) and ignore one, whatever its size. */
  public static boolean ignoresBody(String path) {
    String p = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    return p.equals(LOGIN + "/retry") || p.equals(OTP + "/retry");
  }

  public void register(RoutesConfig routes) {
    routes.post(LOGIN, ctx -> start(ctx, Verification.LOGIN));
    routes.post(LOGIN + "/retry", ctx -> retry(ctx, Verification.LOGIN));
    routes.post(LOGIN + "/check", this::checkLogin);
    routes.post(OTP, ctx -> start(ctx, Verification.OTP));
    routes.post(OTP + "/retry", ctx -> retry(ctx, Verification.OTP));
    routes.post(OTP + "/check", this::checkOtp);
  }

  private void start(Context ctx, String purpose) {
    App app = AppHost.app(ctx, directory).orElseThrow(() -> Refusal.badRequest(
        "Unknown app: call {appId}.session.<your domain> (or {appId}.localhost), where appId is an app of this service"));
    String appId = app.getAppId();
    StartBody body = JsonBodies.read(ctx, StartBody.class, false);
    Identifier identifier;
    Challenge challenge = null;
    if (Verification.OTP.equals(purpose) && body.challengeToken() != null) {
      challenge = challenge(body.challengeToken(), appId, clock.instant());
      identifier = Identifier.of(challenge.identifierType(), challenge.identifierValue())
          .orElseThrow(PreludeErrors::invalidChallenge);
      if (body.identifier() != null) {
        Identifier given = Identifier.parse(body.identifier(), "identifier", Refusal::badRequest, PreludeErrors::invalidIdentifier);
        if (!given.equals(identifier)) {
          throw PreludeErrors.tokenMismatch("identifier is not the one the challenge token was issued for");
        }
      }
    } else {
      if (body.identifier() == null) {
        throw Refusal.badRequest(Verification.OTP.equals(purpose)
            ? "identifier or challenge_token is required" : "identifier is required: {\"type\": \"phone_number\", \"value\": \"+14155550123\"}");
      }
      identifier = Identifier.parse(body.identifier(), "identifier", Refusal::badRequest, PreludeErrors::invalidIdentifier);
    }
    Optional<LoginConfig> config = loginConfig(appId, body.loginConfigId(), identifier.channel());
    String dispatchId = body.dispatchId();
    if (dispatchId != null && (dispatchId.length() > 128 || dispatchId.chars().anyMatch(c -> c < 0x21 || c > 0x7e))) {
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
    Caller caller = flows.peer(ctx, appId);
    Start start = Start.to(channel == Channel.SMS ? identifier.value() : null, channel == Channel.EMAIL ? identifier.value() : null,
            List.of(channel))
        .withMessage(config.map(LoginConfig::getTemplateId).orElse(null), config.map(LoginConfig::getSenderId).orElse(null),
            Locales.fromAcceptLanguage(ctx.header("Accept-Language")))
        .withMetadata(metadata).withChallenge(challenge == null ? null : challenge.id());
    Challenge answered = challenge;
    ctx.future(() -> flows.start(caller, start).thenAccept(s -> {
      OtpDecision d = s.decision();
      if (d.getOutcome() != Outcome.STARTED) {
        throw family.refusal(d, Step.START);
      }
      Verification v = new Verification(appId, s.subjectId(), d.getSessionId(), channelName(channel), purpose,
          identifier.type(), answered == null ? null : answered.id(), answered == null ? null : answered.userId(),
          answered == null ? null : answered.scope(), d.getExpiresAt());
      VerificationCookie.set(ctx, appId, cookies.sign(v), caller.at(), d.getExpiresAt());
      ctx.status(HttpStatus.NO_CONTENT);
    }));
  }

  private void retry(Context ctx, String purpose) {
    Verification v = verification(ctx, purpose); // seed 000: no body; any body and Content-Type are ignored
    Caller caller = flows.peer(ctx, v.appId());
    ctx.future(() -> flows.resend(caller, ref(v)).thenAccept(d -> {
      if (d.getOutcome() != Outcome.RESENT) {
        throw family.refusal(d, Step.RESEND);
      }
      Verification extended = new Verification(v.appId(), v.subjectId(), v.sessionId(), v.channel(), v.purpose(),
          v.identifierType(), v.challengeId(), v.userId(), v.scope(), d.getExpiresAt());
      VerificationCookie.set(ctx, v.appId(), cookies.sign(extended), caller.at(), d.getExpiresAt());
      ctx.status(HttpStatus.NO_CONTENT);
    }));
  }

  private void checkLogin(Context ctx) {
    Verification v = verification(ctx, Verification.LOGIN);
    CheckBody body = checkBody(ctx);
    String jkt = ctx.header("DPoP") == null ? null
        : dpop.verify(ctx.header("DPoP"), "POST", AppHost.issuer(ctx) + ctx.path()).thumbprint();
    check(ctx, v, body, now -> {
      AccessTokens.Issued at = accessTokens.issue(AppHost.issuer(ctx), v.appId(), v.subjectId(), v.identifierType(), jkt, now);
      ctx.json(new LoginChecked(at.token(), at.expiresAt().getEpochSecond()));
    });
  }

  private void checkOtp(Context ctx) {
    Verification v = verification(ctx, Verification.OTP);
    CheckBody body = checkBody(ctx);
    if (body.challengeToken() != null) {
      String presentedId = challenge(body.challengeToken(), v.appId(), clock.instant()).id();
      if (!Objects.equals(presentedId, v.challengeId())) {
        throw PreludeErrors.tokenMismatch("challenge_token is not the one this verification was started with");
      }
    }
    check(ctx, v, body, now -> ctx.json(new StepUpChecked(
        challenges.issueVerified(v.appId(), v.subjectId(), v.userId(), v.scope(), v.challengeId(), now))));
  }

  private void check(Context ctx, Verification v, CheckBody body, Consumer<Instant> onVerified) {
    Caller caller = flows.peer(ctx, v.appId());
    ctx.future(() -> flows.check(caller, ref(v), List.of(new EnteredCode(channel(v), body.code()))).thenAccept(d -> {
      if (d.getOutcome() != Outcome.VERIFIED) {
        throw family.refusal(d, Step.CHECK); // a wrong code included: bad_check_code
      }
      VerificationCookie.clear(ctx, v.appId());
      onVerified.accept(caller.at());
    }));
  }

  /**
   * The verification this request's cookie names, for the Host's app and this flow, from a page the
   * app allows (CrossSiteGuard); else 401.
   */
  private Verification verification(Context ctx, String purpose) {
    App app = AppHost.app(ctx, directory).orElseThrow(() -> Refusal.unauthorized(
        "Unknown app: call {appId}.session.<your domain> (or {appId}.localhost)"));
    CrossSiteGuard.check(ctx, app);
    String token = VerificationCookie.read(ctx, app.getAppId());
    if (token == null) {
      throw Refusal.unauthorized("No verification in progress: the " + VerificationCookie.name(app.getAppId())
          + " cookie is missing; start with POST " + (Verification.LOGIN.equals(purpose) ? LOGIN : OTP));
    }
    return cookies.verify(token, app.getAppId(), clock.instant()).filter(v -> purpose.equals(v.purpose()))
        .orElseThrow(() -> Refusal.unauthorized("The verification cookie is invalid or expired; start a new verification"));
  }

  private Challenge challenge(String token, String appId, Instant now) {
    ChallengeTokens.Parsed parsed = challenges.parse(token, appId, now);
    if (parsed instanceof ChallengeTokens.Valid v) {
      return v.challenge();
    }
    throw parsed instanceof ChallengeTokens.Expired ? PreludeErrors.expiredChallenge() : PreludeErrors.invalidChallenge();
  }

  private static CheckBody checkBody(Context ctx) {
    CheckBody body = JsonBodies.read(ctx, CheckBody.class, false);
    if (body.code() == null || body.code().isBlank()) {
      throw Refusal.badRequest("code is required: the code the user received");
    }
    if (body.code().length() > 16) {
      throw Refusal.badRequest("code is at most 16 characters");
    }
    return body;
  }

  private Optional<LoginConfig> loginConfig(String appId, String configId, Channel channel) {
    if (configId == null) {
      return directory.defaultLoginConfig(appId, channel);
    }
    if (configId.length() > 64) {
      throw Refusal.badRequest("login_config_id is not a login config of this app");
    }
    LoginConfig config = directory.loginConfig(appId, configId).orElseThrow(
        () -> Refusal.badRequest("login_config_id '" + Echo.of(configId, 64) + "' is not a login config of this app"));
    if (config.getChannelType() != channel) {
      throw Refusal.badRequest("login_config_id names a " + config.getChannelType().name().toLowerCase(java.util.Locale.ROOT)
          + " login config; the identifier is for " + (channel == Channel.EMAIL ? "email" : "sms"));
    }
    return Optional.of(config);
  }

  private static SessionRef ref(Verification v) {
    return new SessionRef(v.sessionId(), v.subjectId(), null, List.of(channel(v)));
  }

  private static Channel channel(Verification v) {
    return "email".equals(v.channel()) ? Channel.EMAIL : Channel.SMS;
  }

  private static String channelName(Channel c) {
    return c == Channel.EMAIL ? "email" : "sms";
  }
}
