package io.otpstream.api.sendmator;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.otpstream.api.apps.AppDirectory;
import io.otpstream.api.errors.ErrorFamily;
import io.otpstream.api.errors.JsonErrors;
import io.otpstream.api.errors.Refusal;
import io.otpstream.api.errors.Step;
import io.otpstream.api.gateway.ClientIp;
import io.otpstream.api.destination.CommandDestinations;
import io.otpstream.api.destination.Destinations;
import io.otpstream.api.destination.Locales;
import io.otpstream.api.gateway.CommandGateway;
import io.otpstream.api.gateway.Commands;
import io.otpstream.api.gateway.IdempotencyKeys;
import io.otpstream.api.sendmator.SendmatorDtos.ChannelResult;
import io.otpstream.api.sendmator.SendmatorDtos.Envelope;
import io.otpstream.api.sendmator.SendmatorDtos.ResendRequest;
import io.otpstream.api.sendmator.SendmatorDtos.ResendResponse;
import io.otpstream.api.sendmator.SendmatorDtos.SendData;
import io.otpstream.api.sendmator.SendmatorDtos.SendRequest;
import io.otpstream.api.sendmator.SendmatorDtos.VerifyData;
import io.otpstream.api.sendmator.SendmatorDtos.VerifyRequest;
import io.otpstream.api.address.ClientAddresses.Source;
import io.otpstream.common.code.OtpCodes;
import io.otpstream.common.destination.SealedDestinations;
import io.otpstream.common.json.Json;
import io.otpstream.common.secret.Secrets;
import io.otpstream.api.subject.Subjects;
import io.otpstream.api.token.SessionToken;
import io.otpstream.api.token.SessionTokens;
import io.otpstream.schemas.apps.ApiKey;
import io.otpstream.schemas.apps.KeyMode;
import io.otpstream.schemas.command.CommandMeta;
import io.otpstream.schemas.command.OtpCheckRequested;
import io.otpstream.schemas.command.OtpRequested;
import io.otpstream.schemas.command.OtpRetried;
import io.otpstream.schemas.command.SubmittedCode;
import io.otpstream.schemas.common.Channel;
import io.otpstream.schemas.decision.OtpDecision;
import io.otpstream.schemas.decision.Outcome;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * The server API compatible with Sendmator (seed 003): {@code POST /api/v1/otp/send}, {@code /verify}
 * and {@code /resend}, authenticated by {@code X-API-Key}. Each request becomes one command and is
 * answered from the processor's decision.
 */
public final class SendmatorRoutes {
  static final String PREFIX = "/api/v1/otp";
  private static final DateTimeFormatter ISO = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(java.time.ZoneOffset.UTC);

  private final AppDirectory directory;
  private final CommandGateway gateway;
  private final Commands commands;
  private final SessionTokens tokens;
  private final Subjects subjects;
  private final OtpCodes codes;
  private final Clock clock;

  private final ClientIp clientIp;
  private final IdempotencyKeys idempotencyKeys;
  private final CommandDestinations destinations;
  private final ErrorFamily family;

  public SendmatorRoutes(AppDirectory directory, CommandGateway gateway, Secrets secrets, Clock clock, ClientIp clientIp,
                         ErrorFamily family) {
    this.family = family;
    this.clientIp = clientIp;
    this.idempotencyKeys = new IdempotencyKeys(secrets);
    this.directory = directory;
    this.gateway = gateway;
    this.commands = new Commands(gateway);
    this.tokens = new SessionTokens(secrets);
    this.subjects = new Subjects(secrets);
    this.codes = new OtpCodes(secrets);
    this.destinations = new CommandDestinations(new SealedDestinations(secrets));
    this.clock = clock;
  }

  public void register(RoutesConfig routes) {
    routes.post(PREFIX + "/send", this::send);
    routes.post(PREFIX + "/verify", this::verify);
    routes.post(PREFIX + "/resend", this::resend);
  }

  private void send(Context ctx) {
    ApiKey key = authenticate(ctx);
    SendRequest req = body(ctx, SendRequest.class);
    List<Channel> channels = channels(req.channels());
    String sms = null;
    String email = null;
    if (channels.contains(Channel.SMS)) {
      String raw = req.recipients() == null ? null : req.recipients().sms();
      sms = Destinations.phone(raw).orElseThrow(() -> Refusal.badRequest(
          raw == null ? "recipients.sms is required for the sms channel" : "recipients.sms must be a valid phone number in E.164 format, e.g. +14155550123"));
    }
    if (channels.contains(Channel.EMAIL)) {
      String raw = req.recipients() == null ? null : req.recipients().email();
      email = Destinations.email(raw).orElseThrow(() -> Refusal.badRequest(
          raw == null ? "recipients.email is required for the email channel" : "recipients.email must be a valid email address of at most 320 characters"));
    }
    SendmatorDtos.OtpConfig config = req.config();
    Integer length = config == null ? null : inRange(config.otpLength(), OtpCodes.MIN_LENGTH, OtpCodes.MAX_LENGTH, "config.otp_length");
    Integer expiry = config == null ? null : inRange(config.expiry(), 60, 86_400, "config.expiry");
    Integer attempts = config == null ? null : inRange(config.maxAttempts(), 1, 10, "config.max_attempts");
    boolean sandbox = key.getMode() == KeyMode.TEST || Boolean.TRUE.equals(req.sandboxMode());

    Instant now = clock.instant();
    String appId = key.getAppId();
    String subjectId = subjects.subjectId(appId, sms != null ? sms : email);
    // a send to a phone and an email is counted against both subjects' limits
    String secondarySubjectId = sms != null && email != null ? subjects.subjectId(appId, email) : null;
    Optional<String> idemKey = IdempotencyKeys.of(ctx, Refusal::badRequest);
    String hash = idemKey.map(k -> idempotencyKeys.requestHash(appId, key.getMode().name(), "send", k, ctx.bodyAsBytes()))
        .orElse(null);
    // Always a fresh session id: codes derive from it, so it must never repeat (a repeat of an
    // idempotent send gets the first decision, and its token names the first session).
    String sessionId = "ses_" + UUID.randomUUID().toString().replace("-", "");
    Source source = clientIp.endUser(ctx, appId, Refusal::badRequest);
    CommandMeta meta = commands.meta(directory.settings(appId), source, sandbox, now, idemKey.orElse(null), hash);
    OtpRequested cmd = destinations.apply(OtpRequested.newBuilder(), appId, sms, email)
        .setMeta(meta).setSessionId(sessionId).setSubjectId(subjectId).setSecondarySubjectId(secondarySubjectId).setChannels(channels)
        .setOtpLength(length).setExpirySeconds(expiry).setMaxAttempts(attempts)
        .setMetadata(metadata(req.metadata()))
        .setTemplateId(Locales.templateId(req.templateId(), Refusal::badRequest))
        .setLocale(Locales.locale(req.locale(), Refusal::badRequest))
        .build();
    ctx.future(() -> commands.sendOrResend(cmd, meta).thenAccept(d -> {
      if (d.getOutcome() != Outcome.STARTED) {
        throw family.refusal(d, Step.START);
      }
      String token = tokens.sign(new SessionToken(appId, subjectId, d.getSessionId(), names(d.getChannels()), secondarySubjectId), now);
      ctx.json(new Envelope<>(true, new SendData(token, d.getSessionId(), iso(d.getExpiresAt()), names(d.getChannels()),
          sandboxCodes(d))));
    }));
  }

  private void verify(Context ctx) {
    ApiKey key = authenticate(ctx);
    VerifyRequest req = body(ctx, VerifyRequest.class);
    SessionToken session = session(key, req.sessionToken());
    if (req.otps() == null || req.otps().isEmpty()) {
      throw Refusal.badRequest("otps is required: an object such as {\"sms\": \"123456\"}");
    }
    List<SubmittedCode> submitted = new ArrayList<>();
    for (Map.Entry<String, String> e : req.otps().entrySet()) {
      Channel channel = channel(e.getKey(), "otps");
      String code = e.getValue();
      if (code == null || code.isBlank() || code.length() > 16) {
        throw Refusal.badRequest("otps." + e.getKey() + " must be the code the user received");
      }
      submitted.add(new SubmittedCode(channel, ByteBuffer.wrap(codes.checkMac(session.appId(), session.sessionId(), code.strip()))));
    }
    CommandMeta meta = meta(ctx, key, "verify", clientIp.endUser(ctx, key.getAppId(), Refusal::badRequest));
    OtpCheckRequested cmd = OtpCheckRequested.newBuilder().setMeta(meta).setSessionId(session.sessionId())
        .setSubjectId(session.subjectId()).setCodes(submitted).build();
    ctx.future(() -> commands.check(session.subjectId(), cmd, meta).thenAccept(d -> {
      boolean verified = d.getOutcome() == Outcome.VERIFIED;
      if (!verified && d.getOutcome() != Outcome.WRONG_CODE) {
        throw family.refusal(d, Step.CHECK);
      }
      Map<String, ChannelResult> results = new LinkedHashMap<>();
      for (String ch : req.otps().keySet()) {
        results.put(ch.toLowerCase(Locale.ROOT), new ChannelResult(verified, verified ? "OTP verified successfully"
            : d.getAttemptsRemaining() != null && d.getAttemptsRemaining() == 0
                ? "Invalid OTP. Session is now locked due to too many failed attempts" : "Invalid OTP"));
      }
      ctx.json(new Envelope<>(true, new VerifyData(verified, results, d.getAttemptsRemaining())));
    }));
  }

  private void resend(Context ctx) {
    ApiKey key = authenticate(ctx);
    ResendRequest req = body(ctx, ResendRequest.class);
    SessionToken session = session(key, req.sessionToken());
    CommandMeta meta = meta(ctx, key, "resend", clientIp.endUser(ctx, key.getAppId(), Refusal::badRequest));
    OtpRetried cmd = OtpRetried.newBuilder().setMeta(meta).setSessionId(session.sessionId())
        .setSubjectId(session.subjectId()).setSecondarySubjectId(session.secondarySubjectId())
        .setChannels(tokenChannels(session.channels())).build();
    ctx.future(() -> commands.sendOrResend(cmd, meta).thenAccept(d -> {
      if (d.getOutcome() != Outcome.RESENT) {
        throw family.refusal(d, Step.RESEND);
      }
      ctx.json(new ResendResponse(true, iso(d.getExpiresAt()), "OTP resent successfully", sandboxCodes(d)));
    }));
  }

  /** Metadata for a verify or resend, idempotent when the client sent an Idempotency-Key. */
  private CommandMeta meta(Context ctx, ApiKey key, String operation, Source source) {
    Optional<String> idemKey = IdempotencyKeys.of(ctx, Refusal::badRequest);
    String hash = idemKey.map(k -> idempotencyKeys.requestHash(key.getAppId(), key.getMode().name(), operation, k,
        ctx.bodyAsBytes())).orElse(null);
    return commands.meta(directory.settings(key.getAppId()), source, key.getMode() == KeyMode.TEST, clock.instant(),
        idemKey.orElse(null), hash);
  }

  private ApiKey authenticate(Context ctx) {
    String presented = ctx.header("X-API-Key");
    if (presented == null || presented.isBlank() || presented.length() > 200) {
      throw Refusal.unauthorized("Invalid API key");
    }
    return directory.apiKeyByHash(Secrets.sha256Hex(presented.strip()))
        .orElseThrow(() -> Refusal.unauthorized("Invalid API key"));
  }

  /** A token that is malformed, forged or of another app reads as an unknown session (no enumeration). */
  private SessionToken session(ApiKey key, String token) {
    if (token == null || token.isBlank()) {
      throw Refusal.badRequest("session_token is required");
    }
    return tokens.verify(token.strip()).filter(t -> t.appId().equals(key.getAppId()))
        .orElseThrow(() -> Refusal.badRequest("Session not found"));
  }

  private static <T> T body(Context ctx, Class<T> type) {
    byte[] bytes = ctx.bodyAsBytes();
    if (bytes.length == 0) {
      throw Refusal.badRequest("Request body is required (JSON)");
    }
    try {
      T value = Json.MAPPER.readerFor(type).with(JsonErrors.NO_DUPLICATES).<T>readValue(bytes);
      if (value == null) {
        throw Refusal.badRequest("Request body must be a JSON object");
      }
      return value;
    } catch (MismatchedInputException e) {
      String path = JsonErrors.path(e);
      throw Refusal.badRequest(path + " has the wrong type");
    } catch (JsonProcessingException e) {
      throw Refusal.badRequest(JsonErrors.duplicate(e).orElse("Request body is not valid JSON"));
    } catch (java.io.IOException e) {
      throw Refusal.badRequest("Request body could not be read");
    }
  }

  private static List<Channel> channels(List<String> names) {
    if (names == null || names.isEmpty()) {
      throw Refusal.badRequest("channels is required: [\"sms\"], [\"email\"] or both");
    }
    Set<Channel> out = new LinkedHashSet<>();
    for (String n : names) {
      out.add(channel(n, "channels"));
    }
    return List.copyOf(out);
  }

  /** The channels a token names (signed by us), skipping any this version does not know. */
  private static List<Channel> tokenChannels(List<String> names) {
    return names.stream().filter(n -> "sms".equals(n) || "email".equals(n)).map(n -> channel(n, "token")).toList();
  }

  private static Channel channel(String name, String field) {
    if ("sms".equalsIgnoreCase(name)) {
      return Channel.SMS;
    }
    if ("email".equalsIgnoreCase(name)) {
      return Channel.EMAIL;
    }
    throw Refusal.badRequest(field + " accepts \"sms\" and \"email\" only");
  }

  private static Integer inRange(Integer v, int min, int max, String field) {
    if (v != null && (v < min || v > max)) {
      throw Refusal.badRequest(field + " must be between " + min + " and " + max);
    }
    return v;
  }

  private static Map<String, String> metadata(Map<String, Object> in) {
    if (in == null) {
      return Map.of();
    }
    if (in.size() > 20) {
      throw Refusal.badRequest("metadata accepts at most 20 keys");
    }
    Map<String, String> out = new LinkedHashMap<>();
    in.forEach((k, v) -> {
      String s = v == null ? "" : v.toString();
      if (k.length() > 64 || s.length() > 500) {
        throw Refusal.badRequest("metadata keys are at most 64 and values at most 500 characters");
      }
      out.put(k, s);
    });
    return out;
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
