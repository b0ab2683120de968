package io.otpstream.dispatcher.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.otpstream.schemas.common.Channel;
import io.otpstream.schemas.delivery.DeliveryState;
import io.otpstream.schemas.delivery.DeliveryStatus;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Receipt matching without Kafka: a receipt meets its SENT status in either order, once; markers of
 * another channel, without a provider id, or older than a day are not kept. Receipts that reach
 * another instance than the sender's are in the e2e module's SmsReceiptsAcrossInstancesTest.
 */
class ReceiptMatcherTest {
  private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");

  private record Got(String deliveryId, boolean delivered, String id, String detail) {}

  private final List<Got> got = new ArrayList<>();
  private final ReceiptMatcher matcher =
      new ReceiptMatcher(
          "sms",
          Clock.fixed(T0, ZoneOffset.UTC),
          (sent, delivered, id, detail) ->
              got.add(new Got(sent.getDeliveryId(), delivered, id, detail)));

  private static DeliveryStatus sent(String deliveryId, Channel channel, String id, Instant at) {
    return DeliveryStatus.newBuilder()
        .setDeliveryId(deliveryId)
        .setSessionId("ses_1")
        .setSubjectId("sub_1")
        .setAppId("app")
        .setChannel(channel)
        .setState(DeliveryState.SENT)
        .setProvider("smpp")
        .setProviderMessageId(id)
        .setOccurredAt(at)
        .build();
  }

  @Test
  void a_receipt_after_its_marker_is_matched_once() {
    matcher.expect(sent("ses_1:0:sms", Channel.SMS, "5001", T0));
    matcher.onReceipt("5001", true, "DELIVRD", "000");
    matcher.onReceipt("5001", true, "DELIVRD", "000");

    assertEquals(List.of(new Got("ses_1:0:sms", true, "5001", "DELIVRD err:000")), got);
  }

  @Test
  void a_receipt_before_its_marker_waits_for_it() {
    matcher.onReceipt("5002", false, "UNDELIV", null);
    assertEquals(List.of(), got);

    matcher.expect(sent("ses_2:0:sms", Channel.SMS, "5002", T0));
    assertEquals(List.of(new Got("ses_2:0:sms", false, "5002", "UNDELIV")), got);
  }

  @Test
  void markers_of_another_channel_or_too_old_are_not_matched() {
    matcher.expect(sent("ses_3:0:email", Channel.EMAIL, "5003", T0));
    matcher.expect(sent("ses_4:0:sms", Channel.SMS, "5004", T0.minusSeconds(2 * 86_400)));
    matcher.onReceipt("5003", true, "DELIVRD", "000");
    matcher.onReceipt("5004", true, "DELIVRD", "000");

    assertEquals(List.of(), got);
  }
}
