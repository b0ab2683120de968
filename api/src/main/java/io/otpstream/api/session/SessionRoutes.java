package io.otpstream.api.session;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import io.otpstream.api.apps.AppDirectory;
import io.otpstream.api.apps.AppHost;
import io.otpstream.api.body.JsonBodies;
import io.otpstream.api.destination.Identifier;
import io.otpstream.api.errors.ErrorFamily;
import io.otpstream.api.errors.Refusal;
import io.otpstream.api.errors.Step;
import io.otpstream.api.gateway.DpopJtiLedger;
import io.otpstream.api.otp.Caller;
import io.otpstream.api.otp.EnteredCode;
import io.otpstream.api.otp.OtpFlows;
import io.otpstream.api.otp.SessionRef;
import io.otpstream.api.prelude.PreludeErrors;
import io.otpstream.api.requestlog.RequestLog;
import io.otpstream.api.token.AccessTokens;
import io.otpstream.api.token.Challenge;
import io.otpstream.api.token.ChallengeTokens;
import io.otpstream.api.token.Verification;
import io.otpstream.api.token.VerificationTokens;
import io.otpstream.schemas.apps.App;
import io.otpstream.schemas.common.Channel;
import io.otpstream.schemas.decision.OtpDecision;
import io.otpstream.schemas.decision.Outcome;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * The frontend session API, compatible with Prelude (seeds 000, 001): login OTP, standalone and
 * step-up OTP. No key: the app is the Host's first label, and a session lives in the {@code
 * __Host-verification-login_{appId}} cookie. Each call is one command and one decision.
 */
public final class SessionRoutes {
  static final String LOGIN = "/v1/session/login/otp";
  static final String OTP = "/v1/session/otp";

  record CheckBody(String code, @JsonProperty("challenge_token") String challengeToken) {}

  record LoginChecked(
      @JsonProperty("access_token") String accessToken,
      @JsonProperty("expires_at") long expiresAt) {}

  record StepUpChecked(@JsonProperty("challenge_token") String challengeToken) {}

  private final AppDirectory directory;
  private final OtpFlows flows;
  private final VerificationTokens cookies;
  private final ChallengeTokens challenges;
  private final AccessTokens accessTokens;
  private final DpopProofs dpop;
  private final SessionStarts starts;
  private final Clock clock;
  private final ErrorFamily family;

  public SessionRoutes(
      AppDirectory directory,
      OtpFlows flows,
      VerificationTokens cookies,
      ChallengeTokens challenges,
      AccessTokens accessTokens,
      DpopJtiLedger jtis,
      Clock clock,
      ErrorFamily family) {
    this.directory = directory;
    this.flows = flows;
    this.cookies = cookies;
    this.challenges = challenges;
    this.accessTokens = accessTokens;
    this.dpop = new DpopProofs(clock, jtis);
    this.starts = new SessionStarts(directory, challenges, clock);
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
    App app =
        AppHost.app(ctx, directory)
            .orElseThrow(
                () ->
                    Refusal.badRequest(
                        "Unknown app: call {appId}.session.<your domain> (or {appId}.localhost), where appId is an app of this service"));
    String appId = app.getAppId();
    SessionStarts.Parsed parsed = starts.parse(ctx, appId, purpose);
    Identifier identifier = parsed.identifier();
    Challenge answered = parsed.challenge();
    Caller caller = flows.peer(ctx, appId);
    ctx.future(
        () ->
            flows
                .start(caller, parsed.start())
                .thenAccept(
                    s -> {
                      OtpDecision d = family.expect(s.decision(), Outcome.STARTED, Step.START);
                      RequestLog.session(ctx, d.getSessionId());
                      Verification v =
                          new Verification(
                              appId,
                              s.subjectId(),
                              d.getSessionId(),
                              channelName(identifier.channel()),
                              purpose,
                              identifier.type(),
                              answered == null ? null : answered.id(),
                              answered == null ? null : answered.userId(),
                              answered == null ? null : answered.scope(),
                              d.getExpiresAt());
                      VerificationCookie.set(
                          ctx, appId, cookies.sign(v), caller.at(), d.getExpiresAt());
                      ctx.status(HttpStatus.NO_CONTENT);
                    }));
  }

  private void retry(Context ctx, String purpose) {
    Verification v =
        verification(ctx, purpose); // seed 000: no body; any body and Content-Type are ignored
    Caller caller = flows.peer(ctx, v.appId());
    RequestLog.session(ctx, v.sessionId());
    ctx.future(
        () ->
            flows
                .resend(caller, ref(v))
                .thenAccept(
                    d -> {
                      family.expect(d, Outcome.RESENT, Step.RESEND);
                      Verification extended = v.expiringAt(d.getExpiresAt());
                      VerificationCookie.set(
                          ctx, v.appId(), cookies.sign(extended), caller.at(), d.getExpiresAt());
                      ctx.status(HttpStatus.NO_CONTENT);
                    }));
  }

  private void checkLogin(Context ctx) {
    Verification v = verification(ctx, Verification.LOGIN);
    CheckBody body = checkBody(ctx);
    String jkt =
        ctx.header("DPoP") == null
            ? null
            : dpop.verify(ctx.header("DPoP"), "POST", AppHost.issuer(ctx) + ctx.path())
                .thumbprint();
    check(
        ctx,
        v,
        body,
        now -> {
          AccessTokens.Issued at =
              accessTokens.issue(
                  AppHost.issuer(ctx), v.appId(), v.subjectId(), v.identifierType(), jkt, now);
          ctx.json(new LoginChecked(at.token(), at.expiresAt().getEpochSecond()));
        });
  }

  private void checkOtp(Context ctx) {
    Verification v = verification(ctx, Verification.OTP);
    CheckBody body = checkBody(ctx);
    if (body.challengeToken() != null) {
      String presentedId = starts.challenge(body.challengeToken(), v.appId()).id();
      if (!Objects.equals(presentedId, v.challengeId())) {
        throw PreludeErrors.tokenMismatch(
            "challenge_token is not the one this verification was started with");
      }
    }
    check(
        ctx,
        v,
        body,
        now ->
            ctx.json(
                new StepUpChecked(
                    challenges.issueVerified(
                        v.appId(), v.subjectId(), v.userId(), v.scope(), v.challengeId(), now))));
  }

  private void check(Context ctx, Verification v, CheckBody body, Consumer<Instant> onVerified) {
    Caller caller = flows.peer(ctx, v.appId());
    RequestLog.session(ctx, v.sessionId());
    ctx.future(
        () ->
            flows
                .check(caller, ref(v), List.of(new EnteredCode(channel(v), body.code())))
                .thenAccept(
                    d -> {
                      // a wrong code included: bad_check_code
                      family.expect(d, Outcome.VERIFIED, Step.CHECK);
                      VerificationCookie.clear(ctx, v.appId());
                      onVerified.accept(caller.at());
                    }));
  }

  /**
   * The verification this request's cookie names, for the Host's app and this flow, from a page the
   * app allows (CrossSiteGuard); else 401.
   */
  private Verification verification(Context ctx, String purpose) {
    App app =
        AppHost.app(ctx, directory)
            .orElseThrow(
                () ->
                    Refusal.unauthorized(
                        "Unknown app: call {appId}.session.<your domain> (or {appId}.localhost)"));
    CrossSiteGuard.check(ctx, app);
    String token = VerificationCookie.read(ctx, app.getAppId());
    if (token == null) {
      throw Refusal.unauthorized(
          "No verification in progress: the "
              + VerificationCookie.name(app.getAppId())
              + " cookie is missing; start with POST "
              + (Verification.LOGIN.equals(purpose) ? LOGIN : OTP));
    }
    return cookies
        .verify(token, app.getAppId(), clock.instant())
        .filter(v -> purpose.equals(v.purpose()))
        .orElseThrow(
            () ->
                Refusal.unauthorized(
                    "The verification cookie is invalid or expired; start a new verification"));
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
