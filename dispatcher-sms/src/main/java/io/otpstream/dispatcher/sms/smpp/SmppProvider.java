package io.otpstream.dispatcher.sms.smpp;

import io.otpstream.dispatcher.provider.DeliveryException;
import io.otpstream.dispatcher.provider.DeliveryProvider;
import io.otpstream.dispatcher.provider.OutgoingMessage;
import io.otpstream.dispatcher.provider.ReceiptListener;
import io.otpstream.dispatcher.provider.Sent;
import java.time.Duration;
import org.jsmpp.session.SMPPSession;

/**
 * Sends SMS to an SMSC over SMPP 3.4 with jSMPP: one TRANSCEIVER session ({@link SmscSession}),
 * {@code submit_sm} with an SMSC delivery receipt requested on success and failure ({@link
 * Submitter}), the receipts ({@code deliver_sm}, read by {@link ReceiptReceiver}) handed to the
 * {@link ReceiptListener} it is given ({@link #receiptsTo}); until it has one, the SMSC is asked to
 * send them again later.
 *
 * <p>The session is bound in the background from construction on, and bound again, with exponential
 * backoff, whenever it is lost (the SMSC closes it, unbinds, or stops answering enquire_link).
 * While it is not bound, {@link #send} fails at once with a transient "SMSC not bound". {@link
 * #awaitBound} lets a service wait for the first bind before it starts consuming.
 *
 * <p>The text holds the code: it never appears in a log line or an exception message, and jSMPP's
 * own PDU dumps are at DEBUG/TRACE only ({@code org.jsmpp} must stay at INFO or above).
 */
public final class SmppProvider implements DeliveryProvider {
  private final Submitter submitter;
  private final SmscSession session;
  private volatile ReceiptListener receipts;

  /** Starts binding at once, in the background; see {@link #awaitBound}. */
  public SmppProvider(SmppSettings settings) {
    this.submitter = new Submitter(settings);
    this.session = new SmscSession(settings, new ReceiptReceiver(() -> receipts));
  }

  @Override
  public String name() {
    return "smpp";
  }

  @Override
  public boolean receipts() {
    return true;
  }

  @Override
  public void receiptsTo(ReceiptListener listener) {
    this.receipts = listener;
  }

  /** Whether a session is bound now. */
  public boolean isBound() {
    return session.isBound();
  }

  /**
   * Waits until a session is bound; false if none was within the timeout (or the provider is
   * closed).
   */
  public boolean awaitBound(Duration timeout) throws InterruptedException {
    return session.awaitState(true, timeout);
  }

  /** Waits until no session is bound (the loss has been noticed); for tests. */
  boolean awaitUnbound(Duration timeout) throws InterruptedException {
    return session.awaitState(false, timeout);
  }

  @Override
  public Sent send(OutgoingMessage m) throws DeliveryException {
    SMPPSession s = session.bound();
    if (s == null) {
      throw new DeliveryException("SMSC not bound", false, null);
    }
    return new Sent(name(), submitter.submit(s, m));
  }

  /** Unbinds and closes the session; no bind is attempted afterwards. */
  @Override
  public void close() {
    session.close();
  }
}
