package io.otpstream.dispatcher.delivery;

import io.otpstream.common.code.OtpCodes;
import io.otpstream.common.destination.SealedDestinations;
import io.otpstream.dispatcher.provider.OutgoingMessage;
import io.otpstream.dispatcher.template.MessageRenderer;
import io.otpstream.schemas.delivery.DeliveryRequested;
import java.time.Instant;

/**
 * Turns a delivery into the message its provider sends: derives the code of the session's
 * generation, opens the sealed destination and renders the app's template. The code and the open
 * destination exist only in the message returned, for the moment of sending, and nowhere else.
 */
record MessageComposer(OtpCodes codes, SealedDestinations destinations, MessageRenderer renderer) {

  OutgoingMessage compose(DeliveryRequested d, Instant now) {
    String code = codes.code(d.getAppId(), d.getSessionId(), d.getGeneration(), d.getOtpLength());
    DeliveryRequested open =
        DeliveryRequested.newBuilder(d)
            .setDestination(destinations.open(d.getAppId(), d.getDestination()))
            .build();
    return renderer.render(open, code, now);
  }
}
