package io.otpstream.dispatcher.provider;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class RedactionTest {
  @Test
  void an_smtp_refusal_keeps_its_codes_and_words_but_not_the_address() {
    assertEquals(
        "recipient refused: 550 5.1.1 <***@refused.example.org>: Recipient address rejected:"
            + " User unknown",
        Redaction.redact(
            "recipient refused: 550 5.1.1 <Ada.Lovelace+otp@refused.example.org>: Recipient"
                + " address rejected: User unknown"));
  }

  @Test
  void phone_numbers_in_any_spelling_are_replaced() {
    assertEquals(
        "sms: status 400 (to [phone] refused; [phone]; [digits])",
        Redaction.redact(
            "sms: status 400 (to +14155550123 refused; +1 (415) 555-0123; 14155550123)"));
  }

  @Test
  void a_code_in_an_echoed_message_is_replaced() {
    assertEquals(
        "rejected text 'Your code is [digits]' and '[digits]'",
        Redaction.redact("rejected text 'Your code is 123456' and '0042'"));
  }

  @Test
  void keys_bearer_credentials_and_tokens_are_replaced() {
    assertEquals(
        "echo: X-API-Key [secret], Authorization: Bearer [secret], mgmt [secret], jwt [secret]",
        Redaction.redact(
            "echo: X-API-Key sk_live_AbC123-x_9, Authorization: Bearer abc.def-ghi,"
                + " mgmt mk_QwErTy123, jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl"));
  }

  @Test
  void provider_status_codes_and_short_numbers_stay_readable() {
    String text = "smtp: 421 4.7.0 try again later; status 503; attempt 2 of 5";
    assertEquals(text, Redaction.redact(text));
    assertNull(Redaction.redact(null));
  }
}
