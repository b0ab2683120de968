package io.otpstream.e2e.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import io.otpstream.common.json.Json;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * What a test receiver got, read back: bodies, event types, and the signature they should carry.
 */
final class ReceivedEvents {
  private ReceivedEvents() {}

  /** The Standard Webhooks signature, computed here from the specification. */
  static String signature(String secret, WebhookReceiver.Received r) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(
        new SecretKeySpec(
            Base64.getDecoder().decode(secret.substring("whsec_".length())), "HmacSHA256"));
    String signed = r.id() + "." + r.timestamp() + "." + r.body();
    return "v1,"
        + Base64.getEncoder().encodeToString(mac.doFinal(signed.getBytes(StandardCharsets.UTF_8)));
  }

  static JsonNode read(String body) {
    try {
      return Json.MAPPER.readTree(body);
    } catch (Exception e) {
      throw new AssertionError(body, e);
    }
  }

  static List<String> types(List<WebhookReceiver.Received> l, String sessionId) {
    return l.stream()
        .map(r -> read(r.body()))
        .filter(b -> b.get("data").get("session_id").asText().equals(sessionId))
        .map(b -> b.get("type").asText())
        .toList();
  }
}
