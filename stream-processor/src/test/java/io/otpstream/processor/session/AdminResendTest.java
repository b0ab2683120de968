package io.otpstream.processor.session;

import static io.otpstream.processor.support.Cmd.check;
import static io.otpstream.processor.support.Cmd.code;
import static io.otpstream.processor.support.Cmd.send;
import static io.otpstream.processor.support.Cmd.settings;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.otpstream.processor.support.Rig;
import io.otpstream.processor.support.Rig.Out;
import io.otpstream.schemas.apps.AppSettings;
import io.otpstream.schemas.command.OtpCommand;
import io.otpstream.schemas.command.OtpRequested;
import io.otpstream.schemas.decision.Outcome;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The admin resend (resume_open): it resends on the subject's open session, or opens one when none
 * is open.
 */
class AdminResendTest {
  private static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");
  private static final String SUBJECT = "sub-admin";
  private static final String PHONE = "+33612345678";
  private static final String IP = "192.0.2.10";
  private static final AppSettings SETTINGS =
      settings(2, b -> b.setResendCooldownSeconds(0).setExpirySeconds(600));

  @TempDir Path state;

  private static OtpCommand adminResend(String requestId, Instant at, String newSession) {
    OtpRequested c =
        (OtpRequested) send(requestId, at, IP, SETTINGS, SUBJECT, newSession, PHONE).getCommand();
    return new OtpCommand(OtpRequested.newBuilder(c).setResumeOpen(true).build());
  }

  @Test
  void it_opens_a_session_when_none_is_open_then_resends_on_it_until_it_is_verified() {
    try (Rig rig = new Rig(state)) {
      Out first = rig.request(adminResend("r1", T0, "s-1"));
      assertEquals(Outcome.STARTED, first.reply().getOutcome());
      assertEquals("s-1", first.reply().getSessionId());

      Out second = rig.request(adminResend("r2", T0.plusSeconds(5), "s-2"));
      assertEquals(
          Outcome.RESENT,
          second.reply().getOutcome(),
          "the open session is resent, not a second one opened");
      assertEquals("s-1", second.reply().getSessionId());
      assertEquals(1, second.deliveries().size());
      assertEquals(null, rig.sessions().get("s-2"));

      Out verified =
          rig.command(
              check("r3", T0.plusSeconds(10), IP, SETTINGS, SUBJECT, "s-1", code("s-1", 1, 6)));
      assertEquals(Outcome.VERIFIED, verified.reply().getOutcome());

      Out third = rig.request(adminResend("r4", T0.plusSeconds(15), "s-3"));
      assertEquals(
          Outcome.STARTED,
          third.reply().getOutcome(),
          "a verified session is not open: a new one starts");
      assertEquals("s-3", third.reply().getSessionId());
    }
  }

  @Test
  void an_expired_session_is_not_resumed_and_an_ordinary_send_does_not_resume() {
    try (Rig rig = new Rig(state)) {
      assertEquals(
          Outcome.STARTED,
          rig.request(send("r1", T0, IP, SETTINGS, SUBJECT, "s-1", PHONE)).reply().getOutcome());
      Out plain = rig.request(send("r2", T0.plusSeconds(5), IP, SETTINGS, SUBJECT, "s-2", PHONE));
      assertEquals(
          Outcome.STARTED,
          plain.reply().getOutcome(),
          "without resume_open a send always opens its own session");
      assertEquals("s-2", plain.reply().getSessionId());

      Out afterExpiry = rig.request(adminResend("r3", T0.plusSeconds(5 + 600), "s-3"));
      assertEquals(Outcome.STARTED, afterExpiry.reply().getOutcome());
      assertEquals("s-3", afterExpiry.reply().getSessionId());
    }
  }
}
