package io.otpstream.dispatcher.email;

import io.otpstream.dispatcher.provider.OutgoingMessage;
import io.otpstream.dispatcher.template.MessageRenderer;
import io.otpstream.dispatcher.template.Placeholders;
import io.otpstream.dispatcher.template.TemplateCatalog;
import io.otpstream.schemas.apps.MessageTemplate;
import io.otpstream.schemas.delivery.DeliveryRequested;
import java.time.Instant;
import java.util.Optional;

/**
 * The email: a subject, a plain-text body and an HTML body, from the app's template for the
 * session's template id and locale where it has them, else the built-in ones.
 */
public final class EmailTemplate implements MessageRenderer {
  static final String SUBJECT = "Your {{app_name}} verification code";
  static final String TEXT =
      "Your {{app_name}} verification code is {{code}}.\n\nIt expires in {{minutes}} minutes."
          + " If you did not ask for it, ignore this email.\n";
  static final String HTML =
      "<!doctype html><html><body style=\"font-family:sans-serif\">"
          + "<p>Your {{app_name}} verification code is</p>"
          + "<p style=\"font-size:28px;font-weight:bold;letter-spacing:4px\">{{code}}</p>"
          + "<p>It expires in {{minutes}} minutes. If you did not ask for it, ignore this email.</p>"
          + "</body></html>";
  private final TemplateCatalog catalog;

  public EmailTemplate() {
    this(null);
  }

  public EmailTemplate(TemplateCatalog catalog) {
    this.catalog = catalog;
  }

  @Override
  public OutgoingMessage render(DeliveryRequested d, String code, Instant now) {
    Optional<MessageTemplate> t =
        catalog == null
            ? Optional.empty()
            : catalog.find(d.getAppId(), d.getTemplateId(), d.getLocale());
    String app =
        catalog == null
            ? MessageRenderer.appName(d)
            : catalog.appName(d.getAppId()).orElse(MessageRenderer.appName(d));
    long minutes = MessageRenderer.minutesLeft(d, now);
    String subject =
        Placeholders.fill(
            t.map(MessageTemplate::getEmailSubject).orElse(SUBJECT), code, app, minutes, false);
    String text =
        Placeholders.fill(
            t.map(MessageTemplate::getEmailText).orElse(TEXT), code, app, minutes, false);
    String html =
        Placeholders.fill(
            t.map(MessageTemplate::getEmailHtml).orElse(HTML), code, app, minutes, true);
    // a session's sender id is an SMS sender (a login config's sender_id), never a From address:
    // the server's SMTP_FROM sends
    return new OutgoingMessage(
        d.getDeliveryId(), d.getSessionId(), d.getDestination(), null, subject, text, html);
  }
}
