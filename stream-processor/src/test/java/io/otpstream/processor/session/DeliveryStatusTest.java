package io.otpstream.processor.session;

import static io.otpstream.processor.support.Cmd.resend;
import static io.otpstream.processor.support.Cmd.send;
import static io.otpstream.processor.support.Cmd.settings;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.otpstream.processor.support.Rig;
import io.otpstream.processor.support.Rig.Out;
import io.otpstream.schemas.apps.AppSettings;
import io.otpstream.schemas.audit.AuditType;
import io.otpstream.schemas.common.Channel;
import io.otpstream.schemas.delivery.DeliveryState;
import io.otpstream.schemas.delivery.DeliveryStatus;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The session records what the dispatchers report, for its current code, and the audit log shows
 * every report.
 */
class DeliveryStatusTest {
  private static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");
  private static final AppSettings SETTINGS = settings(1, b -> b.setResendCooldownSeconds(0));

  @TempDir Path state;

  private static DeliveryStatus status(String deliveryId, DeliveryState state, Instant at) {
    return DeliveryStatus.newBuilder()
        .setDeliveryId(deliveryId)
        .setSessionId("s-1")
        .setSubjectId("sub-1")
        .setAppId("app-1")
        .setChannel(Channel.SMS)
        .setState(state)
        .setProvider("smpp")
        .setAttempt(1)
        .setOccurredAt(at)
        .build();
  }

  @Test
  void statuses_of_the_current_code_update_the_session_and_every_status_is_audited() {
    try (Rig rig = new Rig(state)) {
      rig.request(send("r1", T0, "192.0.2.1", SETTINGS, "sub-1", "s-1", "+33612345678"));
      Out sent = rig.status(status("s-1:0:sms", DeliveryState.SENT, T0.plusSeconds(1)));
      assertEquals(Map.of("sms", "SENT"), rig.sessions().get("s-1").getDeliveryStates());
      assertEquals(AuditType.DELIVERY_STATUS, sent.event().getType());
      assertTrue(
          sent.event().getDetail().startsWith("sms SENT via smpp"), sent.event().getDetail());
      assertEquals(0, sent.event().getGeneration());

      rig.status(status("s-1:0:sms", DeliveryState.DELIVERED, T0.plusSeconds(2)));
      assertEquals(Map.of("sms", "DELIVERED"), rig.sessions().get("s-1").getDeliveryStates());

      rig.request(resend("r2", T0.plusSeconds(3), "192.0.2.1", SETTINGS, "sub-1", "s-1"));
      Out late = rig.status(status("s-1:0:sms", DeliveryState.FAILED, T0.plusSeconds(4)));
      assertEquals(
          Map.of("sms", "DELIVERED"),
          rig.sessions().get("s-1").getDeliveryStates(),
          "a late report on the previous code does not overwrite the session");
      assertEquals(AuditType.DELIVERY_STATUS, late.event().getType(), "but it is audited");

      Out unknown =
          rig.status(
              DeliveryStatus.newBuilder(status("s-9:0:sms", DeliveryState.SENT, T0.plusSeconds(5)))
                  .setSessionId("s-9")
                  .build());
      assertEquals(
          1,
          unknown.eventValues().size(),
          "a status of an unknown session is audited, nothing else");
    }
  }
}
