package io.otpstream.processor.session;

import io.otpstream.schemas.common.Channel;
import io.otpstream.schemas.delivery.DeliveryRequested;
import io.otpstream.schemas.session.SessionState;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The messages a send or resend asks the dispatchers for: one per channel of the session, none in
 * the sandbox.
 */
final class Deliveries {
  private Deliveries() {}

  static List<DeliveryRequested> of(SessionState s, Instant now) {
    if (s.getSandbox()) {
      return List.of();
    }
    List<DeliveryRequested> out = new ArrayList<>();
    for (Channel channel : s.getChannels()) {
      String destination = channel == Channel.SMS ? s.getSmsTo() : s.getEmailTo();
      out.add(
          DeliveryRequested.newBuilder()
              .setDeliveryId(
                  DeliveryIds.of(
                      s.getSessionId(), s.getGeneration(), channel.name().toLowerCase(Locale.ROOT)))
              .setSessionId(s.getSessionId())
              .setSubjectId(s.getSubjectId())
              .setAppId(s.getAppId())
              .setChannel(channel)
              .setDestination(destination)
              .setGeneration(s.getGeneration())
              .setOtpLength(s.getOtpLength())
              .setRequestedAt(now)
              .setExpiresAt(s.getExpiresAt())
              .setTemplateId(s.getTemplateId())
              .setLocale(s.getLocale())
              .setSenderId(s.getSenderId())
              .build());
    }
    return out;
  }
}
