package io.otpstream.api.sendmator;

import static io.otpstream.api.sendmator.SendmatorRequests.body;
import static io.otpstream.api.sendmator.SendmatorRequests.inRange;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.otpstream.api.apps.AppDirectory;
import io.otpstream.api.destination.Destinations;
import io.otpstream.api.destination.Locales;
import io.otpstream.api.errors.ErrorFamily;
import io.otpstream.api.errors.Refusal;
import io.otpstream.api.errors.Step;
import io.otpstream.api.otp.Caller;
import io.otpstream.api.otp.EnteredCode;
import io.otpstream.api.otp.OtpFlows;
import io.otpstream.api.otp.SessionRef;
import io.otpstream.api.otp.Start;
import io.otpstream.api.requestlog.RequestLog;
import io.otpstream.api.sendmator.SendmatorDtos.ChannelResult;
import io.otpstream.api.sendmator.SendmatorDtos.Envelope;
import io.otpstream.api.sendmator.SendmatorDtos.ResendRequest;
import io.otpstream.api.sendmator.SendmatorDtos.ResendResponse;
import io.otpstream.api.sendmator.SendmatorDtos.SendData;
import io.otpstream.api.sendmator.SendmatorDtos.SendRequest;
import io.otpstream.api.sendmator.SendmatorDtos.VerifyData;
import io.otpstream.api.sendmator.SendmatorDtos.VerifyRequest;
import io.otpstream.api.token.SessionToken;
import io.otpstream.api.token.SessionTokens;
import io.otpstream.common.code.OtpCodes;
import io.otpstream.common.secret.Secrets;
import io.otpstream.schemas.apps.ApiKey;
import io.otpstream.schemas.apps.KeyMode;
import io.otpstream.schemas.common.Channel;
import io.otpstream.schemas.decision.OtpDecision;
import io.otpstream.schemas.decision.Outcome;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The server API compatible with Sendmator (seed 003): {@code POST /api/v1/otp/send}, {@code
 * /verify} and {@code /resend}, authenticated by {@code X-API-Key}. It parses each request, calls
 * one {@link OtpFlows} flow and answers the decision in seed 003's shapes.
 */
public final class SendmatorRoutes {
  static final String PREFIX = "/api/v1/otp";
  private static final DateTimeFormatter ISO =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

  private final AppDirectory directory;
  private final OtpFlows flows;
  private final SessionTokens tokens;
  private final ErrorFamily family;

  public SendmatorRoutes(
      AppDirectory directory, OtpFlows flows, SessionTokens tokens, ErrorFamily family) {
    this.directory = directory;
    this.flows = flows;
    this.tokens = tokens;
    this.family = family;
  }

  public void register(RoutesConfig routes) {
    routes.post(PREFIX + "/send", this::send);
    routes.post(PREFIX + "/verify", this::verify);
    routes.post(PREFIX + "/resend", this::resend);
  }

  private void send(Context ctx) {
    ApiKey key = authenticate(ctx);
    SendRequest req = body(ctx, SendRequest.class);
    List<Channel> channels = SendmatorRequests.channels(req.channels());
    String sms = null;
    String email = null;
    if (channels.contains(Channel.SMS)) {
      String raw = req.recipients() == null ? null : req.recipients().sms();
      sms =
          Destinations.phone(raw)
              .orElseThrow(
                  () ->
                      Refusal.badRequest(
                          raw == null
                              ? "recipients.sms is required for the sms channel"
                              : "recipients.sms must be a valid phone number in E.164 format, e.g. +14155550123"));
    }
    if (channels.contains(Channel.EMAIL)) {
      String raw = req.recipients() == null ? null : req.recipients().email();
      email =
          Destinations.email(raw)
              .orElseThrow(
                  () ->
                      Refusal.badRequest(
                          raw == null
                              ? "recipients.email is required for the email channel"
                              : "recipients.email must be a valid email address of at most 320 characters"));
    }
    SendmatorDtos.OtpConfig config = req.config();
    Integer length =
        config == null
            ? null
            : inRange(
                config.otpLength(), OtpCodes.MIN_LENGTH, OtpCodes.MAX_LENGTH, "config.otp_length");
    Integer expiry = config == null ? null : inRange(config.expiry(), 60, 86_400, "config.expiry");
    Integer attempts =
        config == null ? null : inRange(config.maxAttempts(), 1, 10, "config.max_attempts");
    boolean sandbox = key.getMode() == KeyMode.TEST || Boolean.TRUE.equals(req.sandboxMode());
    Caller caller = flows.server(ctx, key, "send", sandbox);
    Start start =
        Start.to(sms, email, channels)
            .withOverrides(length, expiry, attempts)
            .withMessage(Locales.templateId(req.templateId()), null, Locales.locale(req.locale()))
            .withMetadata(SendmatorRequests.metadata(req.metadata()));
    ctx.future(
        () ->
            flows
                .start(caller, start)
                .thenAccept(
                    s -> {
                      OtpDecision d = family.expect(s.decision(), Outcome.STARTED, Step.START);
                      RequestLog.session(ctx, d.getSessionId());
                      String token =
                          tokens.sign(
                              new SessionToken(
                                  caller.appId(),
                                  s.subjectId(),
                                  d.getSessionId(),
                                  names(d.getChannels()),
                                  s.secondarySubjectId()),
                              caller.at());
                      ctx.json(
                          new Envelope<>(
                              true,
                              new SendData(
                                  token,
                                  d.getSessionId(),
                                  iso(d.getExpiresAt()),
                                  names(d.getChannels()),
                                  sandboxCodes(d))));
                    }));
  }

  private void verify(Context ctx) {
    ApiKey key = authenticate(ctx);
    VerifyRequest req = body(ctx, VerifyRequest.class);
    SessionToken session = session(key, req.sessionToken());
    RequestLog.session(ctx, session.sessionId());
    if (req.otps() == null || req.otps().isEmpty()) {
      throw Refusal.badRequest("otps is required: an object such as {\"sms\": \"123456\"}");
    }
    List<EnteredCode> entered = new ArrayList<>();
    for (Map.Entry<String, String> e : req.otps().entrySet()) {
      Channel channel = SendmatorRequests.channel(e.getKey(), "otps");
      String code = e.getValue();
      if (code == null || code.isBlank() || code.length() > 16) {
        throw Refusal.badRequest("otps." + e.getKey() + " must be the code the user received");
      }
      entered.add(new EnteredCode(channel, code));
    }
    Caller caller = flows.server(ctx, key, "verify", key.getMode() == KeyMode.TEST);
    ctx.future(
        () ->
            flows
                .check(caller, ref(session), entered)
                .thenAccept(
                    d -> {
                      boolean verified = d.getOutcome() == Outcome.VERIFIED;
                      if (!verified && d.getOutcome() != Outcome.WRONG_CODE) {
                        throw family.refusal(d, Step.CHECK);
                      }
                      Map<String, ChannelResult> results = new LinkedHashMap<>();
                      for (String ch : req.otps().keySet()) {
                        results.put(
                            ch.toLowerCase(Locale.ROOT),
                            new ChannelResult(
                                verified,
                                verified
                                    ? "OTP verified successfully"
                                    : d.getAttemptsRemaining() != null
                                            && d.getAttemptsRemaining() == 0
                                        ? "Invalid OTP. Session is now locked due to too many failed attempts"
                                        : "Invalid OTP"));
                      }
                      ctx.json(
                          new Envelope<>(
                              true, new VerifyData(verified, results, d.getAttemptsRemaining())));
                    }));
  }

  private void resend(Context ctx) {
    ApiKey key = authenticate(ctx);
    ResendRequest req = body(ctx, ResendRequest.class);
    SessionToken session = session(key, req.sessionToken());
    RequestLog.session(ctx, session.sessionId());
    Caller caller = flows.server(ctx, key, "resend", key.getMode() == KeyMode.TEST);
    ctx.future(
        () ->
            flows
                .resend(caller, ref(session))
                .thenAccept(
                    d -> {
                      family.expect(d, Outcome.RESENT, Step.RESEND);
                      ctx.json(
                          new ResendResponse(
                              true,
                              iso(d.getExpiresAt()),
                              "OTP resent successfully",
                              sandboxCodes(d)));
                    }));
  }

  private ApiKey authenticate(Context ctx) {
    String presented = ctx.header("X-API-Key");
    if (presented == null || presented.isBlank() || presented.length() > 200) {
      throw Refusal.unauthorized("Invalid API key");
    }
    return directory
        .apiKeyByHash(Secrets.sha256Hex(presented.strip()))
        .orElseThrow(() -> Refusal.unauthorized("Invalid API key"));
  }

  /**
   * A token that is malformed, forged or of another app reads as an unknown session (no
   * enumeration).
   */
  private SessionToken session(ApiKey key, String token) {
    if (token == null || token.isBlank()) {
      throw Refusal.badRequest("session_token is required");
    }
    return tokens
        .verify(token.strip())
        .filter(t -> t.appId().equals(key.getAppId()))
        .orElseThrow(() -> Refusal.badRequest("Session not found"));
  }

  private static SessionRef ref(SessionToken token) {
    return new SessionRef(
        token.sessionId(),
        token.subjectId(),
        token.secondarySubjectId(),
        SendmatorRequests.tokenChannels(token.channels()));
  }

  private static List<String> names(List<Channel> channels) {
    return channels.stream().map(c -> c.name().toLowerCase(Locale.ROOT)).toList();
  }

  private static Map<String, String> sandboxCodes(OtpDecision d) {
    if (d.getSandboxCode() == null) {
      return null;
    }
    Map<String, String> out = new LinkedHashMap<>();
    for (Channel c : d.getChannels()) {
      out.put(c.name().toLowerCase(Locale.ROOT), d.getSandboxCode());
    }
    return out;
  }

  private static String iso(Instant t) {
    return t == null ? null : ISO.format(t);
  }
}
