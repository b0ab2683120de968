package io.otpstream.processor.support;

import io.otpstream.common.code.OtpCodes;
import io.otpstream.common.secret.Secrets;
import io.otpstream.common.settings.DefaultSettings;
import io.otpstream.processor.decision.CommandParts;
import io.otpstream.schemas.apps.AppSettings;
import io.otpstream.schemas.apps.Limit;
import io.otpstream.schemas.command.CommandMeta;
import io.otpstream.schemas.command.OtpCheckRequested;
import io.otpstream.schemas.command.OtpCommand;
import io.otpstream.schemas.command.OtpRequested;
import io.otpstream.schemas.command.OtpRetried;
import io.otpstream.schemas.command.SubmittedCode;
import io.otpstream.schemas.common.Channel;
import io.otpstream.schemas.topics.Topics;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;
import java.util.function.UnaryOperator;

/** Commands as the api builds them: every one carries its settings and its event time. */
public final class Cmd {
  public static final String APP = "app-1";
  public static final OtpCodes CODES = new OtpCodes(new Secrets(new byte[32]));

  private Cmd() {}

  /**
   * The built-in settings at {@code version}, with every limit generous and no resend cooldown, so
   * a test turns on exactly the rule it is about.
   */
  public static AppSettings.Builder settings(final long version) {
    return AppSettings.newBuilder(DefaultSettings.of(APP))
        .setVersion(version)
        .setMaxResendsPerSession(10)
        .setMaxCheckAttempts(10)
        .setResendCooldownSeconds(0)
        .setSendsPerIp(new Limit(1_000, 3600))
        .setResendsPerIp(new Limit(1_000, 3600))
        .setSendsPerSubject(new Limit(1_000, 3600))
        .setResendsPerSubject(new Limit(1_000, 3600))
        .setFailedChecksPerSubject(new Limit(1_000, 3600))
        .setFailedChecksCeiling(new Limit(1_000, 3600))
        .setSendsPerNumberBlock(new Limit(1_000, 3600));
  }

  public static AppSettings settings(
      final long version, final UnaryOperator<AppSettings.Builder> change) {
    return change.apply(settings(version)).build();
  }

  public static CommandMeta meta(
      final String requestId, final Instant at, final String ip, final AppSettings settings) {
    return CommandMeta.newBuilder()
        .setRequestId(requestId)
        .setOccurredAt(at)
        .setAppId(APP)
        .setClientIp(ip)
        .setReplyTopic(Topics.REPLIES)
        .setReplyPartition(3)
        .setSettingsVersion(settings.getVersion())
        .setSettings(AppSettings.newBuilder(settings).build())
        .build();
  }

  /** A send of a new session on SMS to {@code phone}. */
  public static OtpCommand send(
      final String requestId,
      final Instant at,
      final String ip,
      final AppSettings settings,
      final String subject,
      final String session,
      final String phone) {
    return new OtpCommand(
        OtpRequested.newBuilder()
            .setMeta(meta(requestId, at, ip, settings))
            .setSessionId(session)
            .setSubjectId(subject)
            .setChannels(List.of(Channel.SMS))
            .setSmsTo(phone)
            .build());
  }

  public static OtpCommand resend(
      final String requestId,
      final Instant at,
      final String ip,
      final AppSettings settings,
      final String subject,
      final String session) {
    return new OtpCommand(
        OtpRetried.newBuilder()
            .setMeta(meta(requestId, at, ip, settings))
            .setSessionId(session)
            .setSubjectId(subject)
            .build());
  }

  public static OtpCommand check(
      final String requestId,
      final Instant at,
      final String ip,
      final AppSettings settings,
      final String subject,
      final String session,
      final String code) {
    return new OtpCommand(
        OtpCheckRequested.newBuilder()
            .setMeta(meta(requestId, at, ip, settings))
            .setSessionId(session)
            .setSubjectId(subject)
            .setCodes(
                List.of(
                    new SubmittedCode(
                        Channel.SMS, ByteBuffer.wrap(CODES.checkMac(APP, session, code)))))
            .build());
  }

  /** The code of (session, generation) at {@code length} digits. */
  public static String code(final String session, final int generation, final int length) {
    return CODES.code(APP, session, generation, length);
  }

  /** A code of the same length that differs from {@code right}. */
  public static String wrong(final String right) {
    final long modulus = (long) Math.pow(10, right.length());
    return String.format("%0" + right.length() + "d", (Long.parseLong(right) + 1) % modulus);
  }

  public static CommandMeta metaOf(final OtpCommand command) {
    return CommandParts.meta(command.getCommand());
  }

  public static String subjectOf(final OtpCommand command) {
    return CommandParts.subject(command.getCommand());
  }
}
