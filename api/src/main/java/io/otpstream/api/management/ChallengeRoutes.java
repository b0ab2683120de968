package io.otpstream.api.management;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import io.otpstream.api.apps.AppDirectory;
import io.otpstream.api.auth.ManagementAuth;
import io.otpstream.api.body.JsonBodies;
import io.otpstream.api.destination.Identifier;
import io.otpstream.api.errors.Refusal;
import io.otpstream.api.subject.Subjects;
import io.otpstream.api.token.Challenge;
import io.otpstream.api.token.ChallengeTokens;
import io.otpstream.schemas.apps.App;
import java.time.Clock;
import java.util.regex.Pattern;

/**
 * {@code POST /v2/session/apps/{appId}/challenge-tokens}: the app's backend asks for a step-up of a
 * user, for a scope, on an identifier; the answer is a 5-minute challenge token its front end
 * passes to {@code POST /v1/session/otp}.
 */
public final class ChallengeRoutes {
  static final String PATH = AppRoutes.APP + "/challenge-tokens";
  private static final Pattern TEXT = Pattern.compile("[\\x21-\\x7e]{1,128}");

  record Body(Identifier.Body identifier, @JsonProperty("user_id") String userId, String scope) {}

  record Issued(
      @JsonProperty("challenge_token") String challengeToken,
      @JsonProperty("expires_at") long expiresAt) {}

  private final AppDirectory directory;
  private final ChallengeTokens challenges;
  private final Subjects subjects;
  private final Clock clock;

  public ChallengeRoutes(
      AppDirectory directory, ChallengeTokens challenges, Subjects subjects, Clock clock) {
    this.directory = directory;
    this.challenges = challenges;
    this.subjects = subjects;
    this.clock = clock;
  }

  public void register(RoutesConfig routes) {
    routes.post(PATH, this::create, ManagementAuth.KEY);
  }

  private void create(Context ctx) {
    App app = ManagementAuth.app(ctx);
    Body b = JsonBodies.read(ctx, Body.class, true);
    Identifier id =
        Identifier.parse(b.identifier(), "identifier", Refusal::badRequest, Refusal::badRequest);
    if (b.userId() != null && !TEXT.matcher(b.userId()).matches()) {
      throw Refusal.badRequest("user_id must be 1 to 128 printable characters without spaces");
    }
    if (b.scope() != null && !TEXT.matcher(b.scope()).matches()) {
      throw Refusal.badRequest("scope must be 1 to 128 printable characters without spaces");
    }
    String appId = app.getAppId();
    Challenge c =
        ChallengeTokens.create(
            appId,
            subjects.subjectId(appId, id.value()),
            b.userId(),
            b.scope(),
            id.type(),
            id.value(),
            clock.instant());
    ctx.status(HttpStatus.CREATED)
        .json(new Issued(challenges.issue(c), c.expiresAt().getEpochSecond()));
  }
}
