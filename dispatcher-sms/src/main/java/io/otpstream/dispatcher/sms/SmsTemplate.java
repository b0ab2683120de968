package io.otpstream.dispatcher.sms;

import io.otpstream.dispatcher.provider.OutgoingMessage;
import io.otpstream.dispatcher.template.MessageRenderer;
import io.otpstream.dispatcher.template.Placeholders;
import io.otpstream.dispatcher.template.TemplateCatalog;
import io.otpstream.schemas.apps.MessageTemplate;
import io.otpstream.schemas.delivery.DeliveryRequested;
import java.time.Instant;

/**
 * The SMS text: the app's template for the session's template id and locale when it has one with an
 * SMS text, else the built-in one, short enough for one GSM-7 segment with a typical app name.
 */
public final class SmsTemplate implements MessageRenderer {
  static final String BUILT_IN =
      "Your {{app_name}} code is {{code}}. It expires in {{minutes}} min. Do not share it.";
  private final TemplateCatalog catalog;

  public SmsTemplate() {
    this(null);
  }

  public SmsTemplate(TemplateCatalog catalog) {
    this.catalog = catalog;
  }

  @Override
  public OutgoingMessage render(DeliveryRequested d, String code, Instant now) {
    String template =
        catalog == null
            ? BUILT_IN
            : catalog
                .find(d.getAppId(), d.getTemplateId(), d.getLocale())
                .map(MessageTemplate::getSmsText)
                .orElse(BUILT_IN);
    String app =
        catalog == null
            ? MessageRenderer.appName(d)
            : catalog.appName(d.getAppId()).orElse(MessageRenderer.appName(d));
    String text =
        Placeholders.fill(template, code, app, MessageRenderer.minutesLeft(d, now), false);
    return new OutgoingMessage(
        d.getDeliveryId(), d.getSessionId(), d.getDestination(), d.getSenderId(), null, text, null);
  }
}
