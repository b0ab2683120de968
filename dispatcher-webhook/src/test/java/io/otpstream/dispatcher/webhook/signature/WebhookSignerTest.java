package io.otpstream.dispatcher.webhook.signature;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import org.junit.jupiter.api.Test;

/** The signature is the Standard Webhooks one, byte for byte. */
class WebhookSignerTest {
  @Test
  void signature_matches_the_published_standard_webhooks_test_vector() {
    // the specification's reference libraries' vector (secret, id, timestamp, body -> signature)
    assertEquals(
        "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
        WebhookSigner.sign(
            "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
            "msg_p5jXN8AQM9LWM0D4loKWxJek",
            1614265330L,
            "{\"test\": 2432232314}"));
  }

  @Test
  void another_timestamp_gives_another_signature() {
    assertNotEquals(
        WebhookSigner.sign("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "msg_1", 1L, "{}"),
        WebhookSigner.sign("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "msg_1", 2L, "{}"));
  }
}
