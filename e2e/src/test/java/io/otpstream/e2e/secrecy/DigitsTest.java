package io.otpstream.e2e.secrecy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.otpstream.schemas.common.Channel;
import io.otpstream.schemas.delivery.DeliveryState;
import io.otpstream.schemas.delivery.DeliveryStatus;
import io.otpstream.schemas.serde.AvroSerde;
import io.otpstream.schemas.session.SessionState;
import io.otpstream.schemas.session.SessionStatus;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

/**
 * The scan the no-code-in-clear test relies on finds a code however a record or a line writes it,
 * and only then.
 */
class DigitsTest {
  private static final String CODE = "654321";
  private final Digits code = new Digits(CODE);

  @Test
  void a_code_is_found_in_text_as_digits_of_any_script_and_in_base64_at_any_alignment() {
    assertEquals(List.of("digits"), code.inText("your code: 654321."));
    assertEquals(List.of("digits"), code.inText("code=654321"));
    assertEquals(List.of("digits"), code.inText("ses_x:654321:sms"));
    assertEquals(
        List.of("digits"),
        code.inText("\uff16\uff15\uff14\uff13\uff12\uff11"),
        "full-width digits");
    assertEquals(
        List.of("digits"),
        code.inText("\u0666\u0665\u0664\u0663\u0662\u0661"),
        "Arabic-Indic digits");
    for (String prefix : List.of("", "a", "ab")) {
      String encoded =
          Base64.getUrlEncoder()
              .withoutPadding()
              .encodeToString(("{\"code\":\"" + prefix + CODE + "\"}").getBytes());
      assertTrue(
          code.inText("eyJ0eXAiOiJKV1QifQ." + encoded + ".sig").contains("base64"),
          prefix + ": " + encoded);
    }
  }

  @Test
  void random_ids_times_and_longer_numbers_holding_the_digits_are_not_the_code() {
    assertEquals(List.of(), code.inText("ses_ab654321cd0123456789abcdef012345:0:sms"));
    assertEquals(List.of(), code.inText("req_0f654321-1111-2222-3333-444455556666"));
    assertEquals(List.of(), code.inText("attempt 2 at 2026-12-02T16:33:12.654321Z"));
    assertEquals(List.of(), code.inText("offset 16543210 of 1796229654321"));
    assertEquals(List.of(), code.inText("654320 and 754321"));
  }

  @Test
  void a_code_is_found_in_raw_bytes_in_utf_16_and_utf_8() {
    assertTrue(code.inBytes(("x" + CODE).getBytes(StandardCharsets.UTF_16LE)).contains("utf-16le"));
    assertTrue(code.inBytes(CODE.getBytes(StandardCharsets.UTF_16BE)).contains("utf-16be"));
    assertTrue(
        code.inBytes("\uff16\uff15\uff14\uff13\uff12\uff11".getBytes(StandardCharsets.UTF_8))
            .contains("digits (utf-8)"));
    assertTrue(
        code.inBytes(new byte[] {0x0c, '6', '5', '4', '3', '2', '1', 0x02})
            .contains("digits (latin-1)"));
  }

  @Test
  void a_code_is_a_number_above_the_counts_and_windows_and_not_below() {
    assertTrue(code.isNumber(654_321L));
    assertFalse(code.isNumber(654_320L));
    assertFalse(new Digits("086400").isNumber(86_400L), "a day in seconds");
    assertFalse(new Digits("600000").isNumber(600_000L), "ten minutes in milliseconds");
    assertTrue(new Digits("086401").isNumber(86_401L));
  }

  @Test
  void every_leaf_of_a_decoded_record_its_key_and_its_headers_are_searched() {
    SessionState session =
        SessionState.newBuilder()
            .setSessionId("ses_1")
            .setAppId("app")
            .setSubjectId("sub_1")
            .setStatus(SessionStatus.OPEN)
            .setChannels(List.of(Channel.SMS))
            .setGeneration(0)
            .setOtpLength(6)
            .setExpirySeconds(600)
            .setMaxAttempts(5)
            .setFailedAttempts(0)
            .setResends(0)
            .setCreatedAt(Instant.EPOCH)
            .setLastSentAt(Instant.EPOCH)
            .setExpiresAt(Instant.EPOCH)
            .setDeliveryStates(Map.of("sms", "SENT " + CODE))
            .build();
    assertEquals(
        List.of(
            "value.delivery_states[sms] [digits]", "raw value [digits (latin-1), digits (utf-8)]"),
        parts("k", AvroSerde.encode(session), new RecordHeaders(), AvroSerde.of(SessionState.class))
            .whereCode(code));

    DeliveryStatus status =
        DeliveryStatus.newBuilder()
            .setDeliveryId("d")
            .setSessionId("s")
            .setSubjectId("sub")
            .setAppId("app")
            .setChannel(Channel.SMS)
            .setState(DeliveryState.SENT)
            .setProvider("http")
            .setAttempt(654_321)
            .setOccurredAt(Instant.EPOCH)
            .build();
    assertEquals(
        List.of("value.attempt [number]"),
        parts(
                "k",
                AvroSerde.encode(status),
                new RecordHeaders(),
                AvroSerde.of(DeliveryStatus.class))
            .whereCode(code));

    RecordHeaders headers = new RecordHeaders();
    headers.add(
        new RecordHeader("otp-attempt", ByteBuffer.allocate(Long.BYTES).putLong(654_321L).array()));
    headers.add(new RecordHeader("note", CODE.getBytes(StandardCharsets.UTF_16BE)));
    RecordParts both = parts(CODE, null, headers, AvroSerde.of(DeliveryStatus.class));
    assertEquals(
        List.of(
            "key [digits]",
            "header otp-attempt (long) [number]",
            "raw key [digits (latin-1), digits (utf-8)]",
            "raw header note [utf-16be]"),
        both.whereCode(code));
    assertEquals(List.of("key", "raw key"), both.whereText(CODE));
  }

  private static RecordParts parts(
      String key,
      byte[] value,
      RecordHeaders headers,
      org.apache.kafka.common.serialization.Serde<?> serde) {
    ConsumerRecord<byte[], byte[]> r =
        new ConsumerRecord<>(
            "t",
            0,
            0L,
            0L,
            TimestampType.CREATE_TIME,
            0,
            0,
            key.getBytes(StandardCharsets.UTF_8),
            value,
            headers,
            java.util.Optional.empty());
    return RecordParts.of(r, serde.deserializer());
  }
}
