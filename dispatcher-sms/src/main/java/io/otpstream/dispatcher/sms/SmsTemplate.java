package io.otpstream.dispatcher.sms;

import io.otpstream.dispatcher.provider.OutgoingMessage;
import io.otpstream.dispatcher.template.MessageRenderer;
import io.otpstream.schemas.delivery.DeliveryRequested;
import java.time.Instant;

/** The default SMS text: short enough for one GSM-7 segment with a typical app name. */
public final class SmsTemplate implements MessageRenderer {
  @Override
  public OutgoingMessage render(DeliveryRequested d, String code, Instant now) {
    String text = "Your " + MessageRenderer.appName(d) + " code is " + code + ". It expires in "
        + MessageRenderer.minutesLeft(d, now) + " min. Do not share it.";
    return new OutgoingMessage(d.getDeliveryId(), d.getSessionId(), d.getDestination(), d.getSenderId(), null, text, null);
  }
}
