package io.otpstream.dispatcher.provider;

import io.otpstream.common.outbox.Outbox;
import io.otpstream.common.outbox.OutboxMessage;
import java.time.Clock;

/** The local default provider: "delivers" into the dev outbox, where a developer reads the code. */
public final class OutboxProvider implements DeliveryProvider {
  private final Outbox outbox;
  private final String channel;
  private final Clock clock;

  public OutboxProvider(Outbox outbox, String channel, Clock clock) {
    this.outbox = outbox;
    this.channel = channel;
    this.clock = clock;
  }

  @Override
  public String name() {
    return "outbox";
  }

  @Override
  public String send(OutgoingMessage m) {
    outbox.deliver(new OutboxMessage(channel, m.to(), m.subject(), m.text(), clock.instant(), m.sessionId(), m.deliveryId(),
        m.sender()));
    return m.deliveryId();
  }
}
