package io.otpstream.dispatcher.provider;

import io.otpstream.common.outbox.Outbox;
import io.otpstream.common.outbox.OutboxMessage;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;

/** The local default provider: "delivers" into the dev outbox, where a developer reads the code. */
public final class OutboxProvider implements DeliveryProvider {
  private final Outbox outbox;
  private final String channel;
  private final Clock clock;

  /** The outbox at {@code OTP_OUTBOX_FILE}, which must be set. */
  public static OutboxProvider fromEnv(Map<String, String> env, String channel, Clock clock) {
    String file = env.get("OTP_OUTBOX_FILE");
    if (file == null) {
      throw new IllegalArgumentException(
          "the outbox " + channel + " provider needs OTP_OUTBOX_FILE");
    }
    return new OutboxProvider(new Outbox(Path.of(file)), channel, clock);
  }

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
  public Sent send(OutgoingMessage m) {
    outbox.deliver(
        new OutboxMessage(
            channel,
            m.to(),
            m.subject(),
            m.text(),
            clock.instant(),
            m.sessionId(),
            m.deliveryId(),
            m.sender()));
    return new Sent(name(), m.deliveryId());
  }
}
