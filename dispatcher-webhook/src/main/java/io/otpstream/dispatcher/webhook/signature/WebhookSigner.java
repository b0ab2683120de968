package io.otpstream.dispatcher.webhook.signature;

import io.otpstream.common.secret.Secrets;
import io.otpstream.common.webhook.WebhookSecrets;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Signs a webhook per the Standard Webhooks specification: {@code webhook-signature: v1,<base64 of
 * HMAC-SHA256(key, "{webhook-id}.{webhook-timestamp}.{body}")>}, the key being the bytes of the
 * base64 after {@code whsec_}. A receiver verifies it with any Standard Webhooks (or Svix) library.
 */
public final class WebhookSigner {
  private WebhookSigner() {}

  /**
   * @param secret the subscription's {@code whsec_…} secret
   * @param timestamp unix seconds, sent as {@code webhook-timestamp}
   */
  public static String sign(String secret, String webhookId, long timestamp, String body) {
    byte[] signed = (webhookId + "." + timestamp + "." + body).getBytes(StandardCharsets.UTF_8);
    return "v1,"
        + Base64.getEncoder().encodeToString(Secrets.hmac(WebhookSecrets.keyBytes(secret), signed));
  }
}
