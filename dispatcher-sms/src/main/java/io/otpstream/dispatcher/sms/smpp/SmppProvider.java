package io.otpstream.dispatcher.sms.smpp;

import io.otpstream.dispatcher.provider.DeliveryException;
import io.otpstream.dispatcher.provider.DeliveryProvider;
import io.otpstream.dispatcher.provider.OutgoingMessage;
import io.otpstream.dispatcher.provider.ReceiptListener;
import io.otpstream.dispatcher.provider.Sent;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.jsmpp.InvalidResponseException;
import org.jsmpp.PDUException;
import org.jsmpp.SMPPConstant;
import org.jsmpp.bean.AlertNotification;
import org.jsmpp.bean.Alphabet;
import org.jsmpp.bean.BindType;
import org.jsmpp.bean.DataSm;
import org.jsmpp.bean.DeliverSm;
import org.jsmpp.bean.DeliveryReceipt;
import org.jsmpp.bean.ESMClass;
import org.jsmpp.bean.GeneralDataCoding;
import org.jsmpp.bean.MessageState;
import org.jsmpp.bean.MessageType;
import org.jsmpp.bean.NumberingPlanIndicator;
import org.jsmpp.bean.OptionalParameter;
import org.jsmpp.bean.RegisteredDelivery;
import org.jsmpp.bean.SMSCDeliveryReceipt;
import org.jsmpp.bean.TypeOfNumber;
import org.jsmpp.extra.NegativeResponseException;
import org.jsmpp.extra.ProcessRequestException;
import org.jsmpp.extra.ResponseTimeoutException;
import org.jsmpp.extra.SessionState;
import org.jsmpp.session.BindParameter;
import org.jsmpp.session.DataSmResult;
import org.jsmpp.session.MessageReceiverListener;
import org.jsmpp.session.SMPPSession;
import org.jsmpp.session.Session;
import org.jsmpp.session.connection.ConnectionFactory;
import org.jsmpp.session.connection.socket.SocketConnection;
import org.jsmpp.util.InvalidDeliveryReceiptException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends SMS to an SMSC over SMPP 3.4 with jSMPP: one TRANSCEIVER session, {@code submit_sm} with an SMSC
 * delivery receipt requested on success and failure, the receipts ({@code deliver_sm}) handed to the
 * {@link ReceiptListener} it is given ({@link #receiptsTo}); until it has one, the SMSC is asked to send
 * them again later.
 *
 * <p>The session is bound in the background from construction on, and bound again, with exponential
 * backoff, whenever it is lost (the SMSC closes it, unbinds, or stops answering enquire_link). While it is
 * not bound, {@link #send} fails at once with a transient "SMSC not bound". {@link #awaitBound} lets a
 * service wait for the first bind before it starts consuming.
 *
 * <p>Text goes in the GSM 03.38 default alphabet (data_coding 0, one septet per octet) when every character
 * is in it, in UCS2 (data_coding 8) otherwise; a text longer than one SMS goes in {@code message_payload}
 * and the SMSC splits it. The text holds the code: it never appears in a log line or an exception message,
 * and jSMPP's own PDU dumps are at DEBUG/TRACE only ({@code org.jsmpp} must stay at INFO or above).
 */
public final class SmppProvider implements DeliveryProvider {
  private static final Logger log = LoggerFactory.getLogger(SmppProvider.class);
  private static final Pattern E164 = Pattern.compile("\\+?[1-9][0-9]{1,14}");
  private static final Pattern NUMERIC_SENDER = Pattern.compile("\\+?[0-9]{1,20}");
  private static final Pattern ALPHANUMERIC_SENDER = Pattern.compile("[\\x20-\\x7e]{1,20}");
  /** One SMS: 160 septets (one per octet here) or 140 octets of UCS2; longer texts go in message_payload. */
  private static final int GSM_SINGLE_SMS = 160;
  private static final int UCS2_SINGLE_SMS = 140;
  /** Refusals that the same submit_sm will meet again: not retried. Any other status is transient. */
  private static final Set<Integer> PERMANENT = Set.of(
      SMPPConstant.STAT_ESME_RINVMSGLEN, SMPPConstant.STAT_ESME_RINVCMDLEN, SMPPConstant.STAT_ESME_RINVCMDID,
      SMPPConstant.STAT_ESME_RINVPRTFLG, SMPPConstant.STAT_ESME_RINVREGDLVFLG, SMPPConstant.STAT_ESME_RINVSRCADR,
      SMPPConstant.STAT_ESME_RINVDSTADR, SMPPConstant.STAT_ESME_RINVSERTYP, SMPPConstant.STAT_ESME_RINVESMCLASS,
      SMPPConstant.STAT_ESME_RINVSRCTON, SMPPConstant.STAT_ESME_RINVSRCNPI, SMPPConstant.STAT_ESME_RINVDSTTON,
      SMPPConstant.STAT_ESME_RINVDSTNPI, SMPPConstant.STAT_ESME_RINVSCHED, SMPPConstant.STAT_ESME_RINVEXPIRY,
      SMPPConstant.STAT_ESME_RINVDFTMSGID, SMPPConstant.STAT_ESME_RX_P_APPN, SMPPConstant.STAT_ESME_RX_R_APPN,
      SMPPConstant.STAT_ESME_RINVTLVSTREAM, SMPPConstant.STAT_ESME_RTLVNOTALLWD, SMPPConstant.STAT_ESME_RINVTLVLEN,
      SMPPConstant.STAT_ESME_RMISSINGTLV, SMPPConstant.STAT_ESME_RINVTLVVAL, SMPPConstant.STAT_ESME_RINVDCS,
      SMPPConstant.STAT_ESME_RSERTYPUNAUTH, SMPPConstant.STAT_ESME_RPROHIBITED, SMPPConstant.STAT_ESME_RSERTYPDENIED,
      SMPPConstant.STAT_ESME_RINVSRCADDRSUBUNIT, SMPPConstant.STAT_ESME_RINVDSTADDRSUBUNIT);

  private final SmppSettings settings;
  private volatile ReceiptListener receipts;
  private final BindParameter bindParameter;
  private final ScheduledThreadPoolExecutor rebinder;
  private final Object lock = new Object();
  /** The bound session; null while there is none. Guarded by {@link #lock}. */
  private SMPPSession session;
  private boolean closed;
  /** Bind attempts failed in a row; touched on the rebinder thread only. */
  private int failures;

  /** Starts binding at once, in the background; see {@link #awaitBound}. */
  public SmppProvider(SmppSettings settings) {
    this.settings = settings;
    this.bindParameter = new BindParameter(BindType.BIND_TRX, settings.systemId(), settings.password(),
        settings.systemType(), TypeOfNumber.UNKNOWN, NumberingPlanIndicator.UNKNOWN, null);
    this.rebinder = new ScheduledThreadPoolExecutor(1, r -> {
      Thread t = new Thread(r, "smpp-bind-" + settings.host() + ":" + settings.port());
      t.setDaemon(true);
      return t;
    });
    rebinder.execute(this::bind);
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
    synchronized (lock) {
      return session != null;
    }
  }

  /** Waits until a session is bound; false if none was within the timeout (or the provider is closed). */
  public boolean awaitBound(Duration timeout) throws InterruptedException {
    return awaitState(true, timeout);
  }

  /** Waits until no session is bound (the loss has been noticed); for tests. */
  boolean awaitUnbound(Duration timeout) throws InterruptedException {
    return awaitState(false, timeout);
  }

  private boolean awaitState(boolean bound, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (lock) {
      while ((session != null) != bound) {
        long left = deadline - System.nanoTime();
        if (left <= 0 || closed) {
          return false;
        }
        TimeUnit.NANOSECONDS.timedWait(lock, left);
      }
      return true;
    }
  }

  @Override
  public Sent send(OutgoingMessage m) throws DeliveryException {
    SMPPSession s;
    synchronized (lock) {
      s = session;
    }
    if (s == null || !s.getSessionState().isTransmittable()) {
      throw new DeliveryException("SMSC not bound", false, null);
    }
    if (m.to() == null || !E164.matcher(m.to()).matches()) {
      throw new DeliveryException("destination is not an E.164 number", true, null);
    }
    String destination = m.to().startsWith("+") ? m.to().substring(1) : m.to();
    Source source = source(m.sender() != null && !m.sender().isBlank() ? m.sender().strip() : settings.sourceAddr());
    if (m.text() == null || m.text().isEmpty()) {
      throw new DeliveryException("empty message", true, null);
    }
    byte[] gsm = GsmAlphabet.encode(m.text());
    GeneralDataCoding coding = new GeneralDataCoding(gsm != null ? Alphabet.ALPHA_DEFAULT : Alphabet.ALPHA_UCS2);
    byte[] body = gsm != null ? gsm : m.text().getBytes(StandardCharsets.UTF_16BE);
    boolean single = body.length <= (gsm != null ? GSM_SINGLE_SMS : UCS2_SINGLE_SMS);
    OptionalParameter[] payload = single ? new OptionalParameter[0]
        : new OptionalParameter[] {new OptionalParameter.Message_payload(body)};
    try {
      return new Sent(name(), s.submitShortMessage("", source.ton, source.npi, source.address,
          TypeOfNumber.INTERNATIONAL, NumberingPlanIndicator.ISDN, destination,
          new ESMClass(), (byte) 0, (byte) 0, null, null,
          new RegisteredDelivery(SMSCDeliveryReceipt.SUCCESS_FAILURE), (byte) 0, coding, (byte) 0,
          single ? body : new byte[0], payload).getMessageId());
    } catch (NegativeResponseException e) {
      int status = e.getCommandStatus();
      boolean permanent = PERMANENT.contains(status);
      throw new DeliveryException("SMSC refused submit_sm: command_status " + status(status), permanent, e);
    } catch (ResponseTimeoutException e) {
      throw new DeliveryException("no submit_sm_resp within " + settings.timeoutMs() + " ms", false, e);
    } catch (InvalidResponseException e) {
      throw new DeliveryException("invalid submit_sm_resp: " + e.getMessage(), false, e);
    } catch (PDUException e) {
      // jSMPP's messages about an invalid field quote its value, which may be the text: neither is kept
      throw new DeliveryException("submit_sm has an invalid field", true, null);
    } catch (IOException e) {
      throw new DeliveryException("SMSC connection: " + e.getMessage(), false, e);
    }
  }

  /** Unbinds and closes the session; no bind is attempted afterwards. */
  @Override
  public void close() {
    SMPPSession s;
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      s = session;
      session = null;
      lock.notifyAll();
    }
    rebinder.shutdownNow();
    if (s != null) {
      unbindAndClose(s);
    }
    try {
      if (!rebinder.awaitTermination(settings.timeoutMs() * 2L, TimeUnit.MILLISECONDS)) {
        log.warn("SMSC bind attempt still running after close");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Unbinds and closes, waiting at most the timeout. jSMPP's own unbindAndClose waits the whole transaction
   * timer when the SMSC closes the connection instead of answering unbind_resp (pending responses are not
   * released on close), so it runs on a helper thread and this returns once the session is closed.
   */
  private void unbindAndClose(SMPPSession s) {
    CountDownLatch gone = new CountDownLatch(1);
    s.addSessionStateListener((newState, oldState, source) -> {
      if (newState == SessionState.CLOSED) {
        gone.countDown();
      }
    });
    if (s.getSessionState() == SessionState.CLOSED) {
      return;
    }
    Thread unbinder = new Thread(s::unbindAndClose, "smpp-unbind-" + settings.host() + ":" + settings.port());
    unbinder.setDaemon(true);
    unbinder.start();
    try {
      if (!gone.await(settings.timeoutMs(), TimeUnit.MILLISECONDS)) {
        s.close();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      s.close();
    }
  }

  /** One bind attempt, on the rebinder thread; schedules the next one if it fails. */
  private void bind() {
    synchronized (lock) {
      if (closed) {
        return;
      }
    }
    SMPPSession s = new SMPPSession(connections(settings.timeoutMs()));
    s.setEnquireLinkTimer(settings.enquireLinkMs());
    s.setTransactionTimer(settings.timeoutMs());
    s.setMessageReceiverListener(new Receiver());
    s.addSessionStateListener(this::onStateChange);
    try {
      s.connectAndBind(settings.host(), settings.port(), bindParameter, settings.timeoutMs());
    } catch (IOException e) {
      s.close();
      failures++;
      long delay = backoff(failures);
      log.warn("cannot bind to SMSC {}:{} as {} (attempt {}): {}; next attempt in {} ms", settings.host(), settings.port(),
          settings.systemId(), failures, e.getMessage(), delay);
      schedule(delay);
      return;
    }
    boolean keep;
    synchronized (lock) {
      keep = !closed;
      if (keep) {
        session = s;
        lock.notifyAll();
      }
    }
    if (!keep) {
      unbindAndClose(s);
      return;
    }
    failures = 0;
    log.info("bound to SMSC {}:{} as {} (transceiver)", settings.host(), settings.port(), settings.systemId());
    if (!s.getSessionState().isBound()) {
      lost(s); // lost between the bind and its publication: the state listener ignored it
    }
  }

  /** jSMPP's session state listener: called on its reader thread, or on whichever thread closes the session. */
  private void onStateChange(SessionState newState, SessionState oldState, Session source) {
    if (newState == SessionState.UNBOUND || newState == SessionState.CLOSED) {
      lost(source);
    }
  }

  private void lost(Session source) {
    synchronized (lock) {
      if (closed || session != source) {
        return; // a failed attempt, an old session, or one already handled
      }
      session = null;
      lock.notifyAll();
    }
    log.warn("SMSC session {}:{} lost; binding again", settings.host(), settings.port());
    try {
      rebinder.execute(((SMPPSession) source)::close);
    } catch (RejectedExecutionException e) {
      return; // closing
    }
    schedule(backoff(0));
  }

  private void schedule(long delayMs) {
    try {
      rebinder.schedule(this::bind, delayMs, TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      // closed
    }
  }

  /** reconnectMin doubled per failed attempt, capped at reconnectMax, with up to 20% jitter. */
  private long backoff(int failed) {
    long base = Math.min((long) settings.reconnectMaxMs(), (long) settings.reconnectMinMs() << Math.min(failed, 20));
    return base + ThreadLocalRandom.current().nextLong(base / 5 + 1);
  }

  private record Source(String address, TypeOfNumber ton, NumberingPlanIndicator npi) {
  }

  /** Numeric senders are international numbers; others alphanumeric sender ids; none leaves it to the SMSC. */
  private static Source source(String sender) throws DeliveryException {
    if (sender == null) {
      return new Source("", TypeOfNumber.UNKNOWN, NumberingPlanIndicator.UNKNOWN);
    }
    if (NUMERIC_SENDER.matcher(sender).matches()) {
      return new Source(sender.startsWith("+") ? sender.substring(1) : sender, TypeOfNumber.INTERNATIONAL,
          NumberingPlanIndicator.ISDN);
    }
    if (ALPHANUMERIC_SENDER.matcher(sender).matches()) {
      return new Source(sender, TypeOfNumber.ALPHANUMERIC, NumberingPlanIndicator.UNKNOWN);
    }
    throw new DeliveryException("sender id is not a number or 1-20 printable ASCII characters", true, null);
  }

  /** A command_status with its SMPP name where it is a common one, e.g. {@code ESME_RINVDSTADR (0x0000000b)}. */
  static String status(int status) {
    String name = switch (status) {
      case SMPPConstant.STAT_ESME_RINVMSGLEN -> "ESME_RINVMSGLEN";
      case SMPPConstant.STAT_ESME_RSYSERR -> "ESME_RSYSERR";
      case SMPPConstant.STAT_ESME_RINVSRCADR -> "ESME_RINVSRCADR";
      case SMPPConstant.STAT_ESME_RINVDSTADR -> "ESME_RINVDSTADR";
      case SMPPConstant.STAT_ESME_RINVBNDSTS -> "ESME_RINVBNDSTS";
      case SMPPConstant.STAT_ESME_RMSGQFUL -> "ESME_RMSGQFUL";
      case SMPPConstant.STAT_ESME_RSUBMITFAIL -> "ESME_RSUBMITFAIL";
      case SMPPConstant.STAT_ESME_RINVSRCTON -> "ESME_RINVSRCTON";
      case SMPPConstant.STAT_ESME_RINVSRCNPI -> "ESME_RINVSRCNPI";
      case SMPPConstant.STAT_ESME_RINVDSTTON -> "ESME_RINVDSTTON";
      case SMPPConstant.STAT_ESME_RINVDSTNPI -> "ESME_RINVDSTNPI";
      case SMPPConstant.STAT_ESME_RTHROTTLED -> "ESME_RTHROTTLED";
      case SMPPConstant.STAT_ESME_RX_T_APPN -> "ESME_RX_T_APPN";
      case SMPPConstant.STAT_ESME_RX_P_APPN -> "ESME_RX_P_APPN";
      case SMPPConstant.STAT_ESME_RX_R_APPN -> "ESME_RX_R_APPN";
      case SMPPConstant.STAT_ESME_RINVDCS -> "ESME_RINVDCS";
      default -> null;
    };
    String hex = String.format("0x%08x", status);
    return name == null ? hex : name + " (" + hex + ")";
  }

  private static ConnectionFactory connections(int timeoutMs) {
    return (host, port) -> {
      Socket socket = new Socket();
      try {
        socket.setKeepAlive(true);
        socket.connect(new InetSocketAddress(host, port), timeoutMs);
        return new SocketConnection(socket);
      } catch (IOException e) {
        socket.close();
        throw e;
      }
    };
  }

  /** A final receipt's fields; null from {@link #receipt} when the deliver_sm is not one. */
  private record Receipt(String id, String stat, String err) {
  }

  /**
   * The receipt a deliver_sm carries: the SMPP 3.4 TLVs {@code receipted_message_id} and
   * {@code message_state} when present, else the text form ({@code id:... stat:DELIVRD err:000 ...}).
   */
  private static Receipt receipt(DeliverSm d) {
    DeliveryReceipt text = null;
    try {
      text = d.getShortMessageAsDeliveryReceipt();
    } catch (InvalidDeliveryReceiptException | RuntimeException e) {
      // the TLVs may still say it all
    }
    OptionalParameter idTlv = d.getOptionalParameter(OptionalParameter.Tag.RECEIPTED_MESSAGE_ID);
    OptionalParameter stateTlv = d.getOptionalParameter(OptionalParameter.Tag.MESSAGE_STATE);
    String id = idTlv instanceof OptionalParameter.OctetString o ? o.getValueAsString() : text != null ? text.getId() : null;
    String stat = null;
    if (stateTlv instanceof OptionalParameter.Byte b) {
      try {
        stat = stat(MessageState.valueOf(b.getValue()));
      } catch (IllegalArgumentException e) {
        stat = null;
      }
    }
    if (stat == null && text != null && text.getFinalStatus() != null) {
      stat = text.getFinalStatus().name();
    }
    if (id == null || id.isBlank() || stat == null) {
      return null;
    }
    return new Receipt(id.strip(), stat, text != null ? text.getError() : null);
  }

  private static String stat(MessageState state) {
    return switch (state) {
      case DELIVERED -> "DELIVRD";
      case EXPIRED -> "EXPIRED";
      case DELETED -> "DELETED";
      case UNDELIVERABLE -> "UNDELIV";
      case ACCEPTED -> "ACCEPTD";
      case UNKNOWN -> "UNKNOWN";
      case REJECTED -> "REJECTD";
      default -> "ENROUTE";
    };
  }

  /** deliver_sm from the SMSC: receipts go to the listener; jSMPP answers deliver_sm_resp when this returns. */
  private final class Receiver implements MessageReceiverListener {

    @Override
    public void onAcceptDeliverSm(DeliverSm d) throws ProcessRequestException {
      if (!MessageType.SMSC_DEL_RECEIPT.containedIn(d.getEsmClass())) {
        log.debug("ignoring a mobile-originated deliver_sm"); // acknowledged; never shown (it is someone's text)
        return;
      }
      Receipt r = receipt(d);
      if (r == null) {
        log.warn("unreadable delivery receipt; acknowledged and dropped");
        return;
      }
      Boolean delivered = switch (r.stat()) {
        case "DELIVRD" -> Boolean.TRUE;
        case "UNDELIV", "REJECTD", "EXPIRED", "DELETED", "UNKNOWN" -> Boolean.FALSE;
        default -> null; // ENROUTE, ACCEPTD: not final
      };
      if (delivered == null) {
        log.debug("intermediate receipt {} for message {}", r.stat(), r.id());
        return;
      }
      ReceiptListener listener = receipts;
      if (listener == null) {
        log.warn("no dispatcher takes receipts yet; the SMSC is asked to send the receipt for message {} again", r.id());
        throw new ProcessRequestException("no receipt listener yet", SMPPConstant.STAT_ESME_RX_T_APPN);
      }
      try {
        listener.onReceipt(r.id(), delivered, r.stat(), r.err());
      } catch (RuntimeException e) {
        log.warn("receipt listener failed for message {}; the SMSC is asked to send the receipt again", r.id(), e);
        throw new ProcessRequestException("receipt listener failed", SMPPConstant.STAT_ESME_RX_T_APPN);
      }
    }

    @Override
    public void onAcceptAlertNotification(AlertNotification alertNotification) {
      // no use for it
    }

    @Override
    public DataSmResult onAcceptDataSm(DataSm dataSm, Session source) throws ProcessRequestException {
      throw new ProcessRequestException("data_sm is not supported", SMPPConstant.STAT_ESME_RINVCMDID);
    }
  }
}
