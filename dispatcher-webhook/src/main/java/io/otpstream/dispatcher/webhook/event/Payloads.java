package io.otpstream.dispatcher.webhook.event;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.otpstream.common.json.Json;
import io.otpstream.common.webhook.WebhookEventTypes;
import io.otpstream.schemas.audit.AuditEvent;

/**
 * The JSON body of a webhook, in the Standard Webhooks payload shape: {@code {"type":
 * "otp.session.verified", "timestamp": "<ISO-8601>", "data": {"session_id", "app_id", "channel"?,
 * "status"?}}}. It names the session and what the app already knows, never a code, a phone number,
 * an email address or a subject hash.
 */
public final class Payloads {
  private Payloads() {}

  public static String of(AuditEvent e, SessionEvents.SessionEvent event) {
    ObjectNode root = Json.MAPPER.createObjectNode();
    root.put("type", WebhookEventTypes.qualified(event.type()));
    root.put("timestamp", e.getOccurredAt().toString());
    ObjectNode data = root.putObject("data");
    data.put("session_id", e.getSessionId());
    data.put("app_id", e.getAppId());
    if (event.channel() != null) {
      data.put("channel", event.channel());
    }
    if (event.status() != null) {
      data.put("status", event.status());
    }
    try {
      return Json.MAPPER.writeValueAsString(root);
    } catch (JsonProcessingException e2) {
      throw new IllegalStateException(e2);
    }
  }
}
