package io.otpstream.api.zap;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.otpstream.api.apps.AppDirectory;
import io.otpstream.api.apps.AppHost;
import io.otpstream.api.apps.Usernames;
import io.otpstream.api.auth.ManagementAuth;
import io.otpstream.api.body.JsonBodies;
import io.otpstream.api.destination.Destinations;
import io.otpstream.api.errors.ErrorFamily;
import io.otpstream.api.errors.Refusal;
import io.otpstream.api.errors.Step;
import io.otpstream.api.otp.Caller;
import io.otpstream.api.otp.OtpFlows;
import io.otpstream.api.otp.Start;
import io.otpstream.api.otp.Started;
import io.otpstream.schemas.apps.App;
import io.otpstream.schemas.apps.Contact;
import io.otpstream.schemas.common.Channel;
import io.otpstream.schemas.decision.Outcome;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The admin resend, compatible with ZAP (seed 004): {@code POST /v1/otp/resend} with an email, a
 * phone number and/or a username (resolved through the app's contacts). It resends on the user's
 * open session, or starts one when none is open. The app is the Host's first label; the caller
 * needs the management key (the seed shows none, but an open resend endpoint would be a hole).
 */
public final class ZapRoutes {
  public static final String PATH = "/v1/otp/resend";
  private static final Pattern PHONE = Pattern.compile("\\+[0-9]{1,15}");

  @JsonInclude(JsonInclude.Include.ALWAYS)
  record Body(String email, String phoneNumber, String username) {}

  record Done(boolean success, String data) {}

  private final AppDirectory directory;
  private final OtpFlows flows;
  private final ErrorFamily family;

  public ZapRoutes(AppDirectory directory, OtpFlows flows, ErrorFamily family) {
    this.directory = directory;
    this.flows = flows;
    this.family = family;
  }

  public void register(RoutesConfig routes) {
    routes.post(PATH, this::resend, ManagementAuth.KEY);
  }

  private void resend(Context ctx) {
    App app =
        AppHost.app(ctx, directory)
            .orElseThrow(
                () ->
                    Refusal.badRequest(
                        "Unknown app: call {appId}.<your domain> (or {appId}.localhost), where appId is an app of this service"));
    Body body = JsonBodies.read(ctx, Body.class, true);
    if (body.email() == null && body.phoneNumber() == null && body.username() == null) {
      throw Refusal.badRequest("Give email, phoneNumber or username");
    }
    String email = body.email();
    String phone = body.phoneNumber();
    if (body.username() != null) {
      if (!Usernames.valid(body.username())) {
        throw Refusal.badRequest("username must be 1 to 64 of letters, digits and . _ @ -");
      }
      Contact c =
          directory
              .contact(app.getAppId(), body.username())
              .orElseThrow(
                  () -> Refusal.badRequest("No user with username '" + body.username() + "'"));
      email = email != null ? email : c.getEmail();
      phone = phone != null ? phone : c.getPhoneNumber();
    }
    String normalisedEmail = null;
    if (email != null) {
      String raw = email;
      if (raw.length() > Destinations.MAX_EMAIL_LENGTH) {
        throw Refusal.badRequest("email is longer than 320 characters");
      }
      normalisedEmail =
          Destinations.email(raw)
              .orElseThrow(() -> Refusal.badRequest("email is not a valid email address"));
    }
    String normalisedPhone = null;
    if (phone != null) {
      String raw = phone.strip();
      if (!raw.startsWith("+")) {
        throw Refusal.badRequest("phoneNumber must start with \"+\" and the country code");
      }
      if (!PHONE.matcher(raw).matches()) {
        throw Refusal.badRequest("phoneNumber must be \"+\" followed by at most 15 digits");
      }
      normalisedPhone =
          Destinations.phone(raw)
              .orElseThrow(() -> Refusal.badRequest("phoneNumber is not a valid phone number"));
    }
    List<Channel> channels = new ArrayList<>();
    if (normalisedPhone != null) {
      channels.add(Channel.SMS);
    }
    if (normalisedEmail != null) {
      channels.add(Channel.EMAIL);
    }
    Start start =
        Start.to(normalisedPhone, normalisedEmail, channels)
            .withMetadata(Map.of("flow", "admin_resend"))
            .resumingOpen();
    Caller caller = flows.peer(ctx, app.getAppId());
    ctx.future(
        () ->
            flows
                .start(caller, start)
                .thenApply(Started::decision)
                .thenAccept(
                    d -> {
                      if (d.getOutcome() == Outcome.STARTED || d.getOutcome() == Outcome.RESENT) {
                        ctx.json(new Done(true, "OTP ReSent"));
                        return;
                      }
                      throw family.refusal(d, Step.START);
                    }));
  }
}
