package io.otpstream.e2e.secrecy;

import io.otpstream.dispatcher.provider.DeliveryException;
import io.otpstream.dispatcher.provider.DeliveryProvider;
import io.otpstream.dispatcher.provider.OutgoingMessage;
import io.otpstream.dispatcher.provider.Sent;

/**
 * Two real mail servers behind the one email provider a pipeline takes: a message to an address of
 * {@code domain} goes through {@code other}, every other message through {@code main}.
 */
record ByDomain(DeliveryProvider main, String domain, DeliveryProvider other)
    implements DeliveryProvider {

  @Override
  public String name() {
    return main.name();
  }

  @Override
  public Sent send(OutgoingMessage message) throws DeliveryException {
    return (message.to().endsWith("@" + domain) ? other : main).send(message);
  }

  @Override
  public void close() {
    main.close();
    other.close();
  }
}
