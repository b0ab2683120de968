package io.otpstream.dispatcher.provider;

import io.otpstream.common.outbox.Outbox;
import io.otpstream.common.outbox.OutboxMessage;
import io.otpstream.common.settings.Env;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;

/** The local default provider: "delivers" into the dev outbox, where a developer reads the code. */
public final class OutboxProvider implements DeliveryProvider {
  private final Outbox outbox;
  private final String channel;
  private final Clock clock;

  /** The variable {@link #fromEnv} reads. */
  public static final String FILE_VARIABLE = "OTP_OUTBOX_FILE";

  /** The outbox at {@code OTP_OUTBOX_FILE}, which must be set. */
  public static OutboxProvider fromEnv(Map<String, String> env, String channel, Clock clock) {
    String file =
        Env.required(env, FILE_VARIABLE, "the outbox " + channel + " provider writes to this file");
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
