package io.otpstream.dispatcher.email;

import io.otpstream.dispatcher.provider.OutgoingMessage;
import io.otpstream.dispatcher.template.MessageRenderer;
import io.otpstream.schemas.delivery.DeliveryRequested;
import java.time.Instant;

/** The default email: a subject, a plain-text body and an HTML body with the same content. */
public final class EmailTemplate implements MessageRenderer {
  @Override
  public OutgoingMessage render(DeliveryRequested d, String code, Instant now) {
    String app = MessageRenderer.appName(d);
    long minutes = MessageRenderer.minutesLeft(d, now);
    String subject = "Your " + app + " verification code";
    String text = "Your " + app + " verification code is " + code + ".\n\nIt expires in " + minutes
        + " minutes. If you did not ask for it, ignore this email.\n";
    String html = "<!doctype html><html><body style=\"font-family:sans-serif\">"
        + "<p>Your " + escape(app) + " verification code is</p>"
        + "<p style=\"font-size:28px;font-weight:bold;letter-spacing:4px\">" + code + "</p>"
        + "<p>It expires in " + minutes + " minutes. If you did not ask for it, ignore this email.</p>"
        + "</body></html>";
    return new OutgoingMessage(d.getDeliveryId(), d.getSessionId(), d.getDestination(), d.getSenderId(), subject, text, html);
  }

  private static String escape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }
}
