package io.otpstream.dispatcher.sms.smpp;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.jsmpp.PDUStringException;
import org.jsmpp.SMPPConstant;
import org.jsmpp.bean.BindType;
import org.jsmpp.bean.BroadcastSm;
import org.jsmpp.bean.CancelBroadcastSm;
import org.jsmpp.bean.CancelSm;
import org.jsmpp.bean.DataCodings;
import org.jsmpp.bean.DataSm;
import org.jsmpp.bean.DeliveryReceipt;
import org.jsmpp.bean.ESMClass;
import org.jsmpp.bean.EnquireLink;
import org.jsmpp.bean.GSMSpecificFeature;
import org.jsmpp.bean.MessageMode;
import org.jsmpp.bean.MessageType;
import org.jsmpp.bean.NumberingPlanIndicator;
import org.jsmpp.bean.OptionalParameter;
import org.jsmpp.bean.QueryBroadcastSm;
import org.jsmpp.bean.QuerySm;
import org.jsmpp.bean.RegisteredDelivery;
import org.jsmpp.bean.ReplaceSm;
import org.jsmpp.bean.SubmitMulti;
import org.jsmpp.bean.SubmitSm;
import org.jsmpp.bean.TypeOfNumber;
import org.jsmpp.extra.NegativeResponseException;
import org.jsmpp.extra.ProcessRequestException;
import org.jsmpp.session.BindRequest;
import org.jsmpp.session.BroadcastSmResult;
import org.jsmpp.session.DataSmResult;
import org.jsmpp.session.QueryBroadcastSmResult;
import org.jsmpp.session.QuerySmResult;
import org.jsmpp.session.SMPPServerSession;
import org.jsmpp.session.SMPPServerSessionListener;
import org.jsmpp.session.ServerMessageReceiverListener;
import org.jsmpp.session.ServerResponseDeliveryAdapter;
import org.jsmpp.session.Session;
import org.jsmpp.session.SubmitMultiResult;
import org.jsmpp.session.SubmitSmResult;
import org.jsmpp.util.DeliveryReceiptState;
import org.jsmpp.util.MessageId;

/**
 * An SMSC on jSMPP's server side: accepts binds, answers submit_sm with a fresh message id (or a
 * refusal configured per destination), then sends a deliver_sm delivery receipt for that id back to
 * the ESME.
 */
public final class FakeSmsc implements ServerMessageReceiverListener, AutoCloseable {
  public record BindSeen(BindType type, String systemId, String password, String systemType) {}

  /**
   * A submit_sm as it reached the SMSC ({@code at}: when it arrived), with the id it was given
   * (null: refused).
   */
  public record Submitted(SubmitSm sm, String id, Instant at) {}

  public final int port;
  public final BlockingQueue<BindSeen> binds = new LinkedBlockingQueue<>();
  public final AtomicInteger bindCount = new AtomicInteger();
  public final BlockingQueue<Submitted> submits = new LinkedBlockingQueue<>();

  /** "id:command_status" of each deliver_sm_resp the ESME sent for a receipt. */
  public final BlockingQueue<String> receiptAcks = new LinkedBlockingQueue<>();

  public final AtomicInteger enquireLinks = new AtomicInteger();
  public final CountDownLatch firstEnquireLink = new CountDownLatch(1);
  public final Map<String, Integer> refusals = new ConcurrentHashMap<>();

  /** destination → {stat, err} of its receipt; DELIVRD/000 otherwise. */
  public final Map<String, String[]> receiptStates = new ConcurrentHashMap<>();

  /** destination → a latch its submit_sm waits for before it is answered. */
  public final Map<String, CountDownLatch> holds = new ConcurrentHashMap<>();

  /**
   * When set, a receipt goes back on another bound session than the one its submit_sm came on (as
   * an SMSC does that spreads receipts over an account's binds); on the same one while there is no
   * other.
   */
  public volatile boolean receiptsOnAnotherSession;

  /**
   * When set, receipts are kept until {@link #releaseReceipts}, which sends them on a session bound
   * then (as an SMSC does whose receipts come late, after the ESME has reconnected).
   */
  public volatile boolean holdReceipts;

  private final List<Runnable> heldReceipts = new CopyOnWriteArrayList<>();

  private final Map<String, SubmitSm> byId = new ConcurrentHashMap<>();
  private final List<SMPPServerSession> sessions = new CopyOnWriteArrayList<>();
  private final AtomicLong nextId = new AtomicLong(0x5000);
  private final ExecutorService receiptSender =
      Executors.newCachedThreadPool(
          r -> {
            Thread t = new Thread(r, "fake-smsc-receipts");
            t.setDaemon(true);
            return t;
          });
  private volatile SMPPServerSessionListener listener;
  private volatile Thread acceptor;

  public FakeSmsc(int port) {
    this.port = port;
  }

  public void listen() throws IOException {
    SMPPServerSessionListener l = new SMPPServerSessionListener(port);
    l.setMessageReceiverListener(this);
    l.setResponseDeliveryListener(
        new ServerResponseDeliveryAdapter() {
          @Override
          public void onSubmitSmRespSent(SubmitSmResult result, SMPPServerSession source) {
            SubmitSm sm = byId.get(result.getMessageId());
            if (sm != null) {
              String id = result.getMessageId();
              if (holdReceipts) {
                heldReceipts.add(() -> sendReceipt(another(source), id, sm));
                return;
              }
              SMPPServerSession to = receiptsOnAnotherSession ? another(source) : source;
              receiptSender.execute(() -> sendReceipt(to, id, sm));
            }
          }
        });
    listener = l;
    Thread t = new Thread(() -> acceptLoop(l), "fake-smsc-accept");
    t.setDaemon(true);
    t.start();
    acceptor = t;
  }

  /** Sends the receipts kept while {@link #holdReceipts} was set, and keeps no more. */
  public void releaseReceipts() {
    holdReceipts = false;
    heldReceipts.forEach(receiptSender::execute);
    heldReceipts.clear();
  }

  /** A bound session other than {@code source}; {@code source} when there is none. */
  private SMPPServerSession another(SMPPServerSession source) {
    return sessions.stream()
        .filter(s -> s != source && s.getSessionState().isBound())
        .findFirst()
        .orElse(source);
  }

  private void acceptLoop(SMPPServerSessionListener l) {
    while (true) {
      SMPPServerSession session;
      try {
        session = l.accept();
      } catch (IOException e) {
        return; // the listener was closed
      }
      try {
        BindRequest bind = session.waitForBind(5_000);
        binds.add(
            new BindSeen(
                bind.getBindType(), bind.getSystemId(), bind.getPassword(), bind.getSystemType()));
        if (!"s3cret".equals(bind.getPassword())) {
          bind.reject(SMPPConstant.STAT_ESME_RINVPASWD);
          continue;
        }
        // counted before the bind_resp goes out: the ESME may see itself bound before accept()
        // returns
        bindCount.incrementAndGet();
        sessions.add(session);
        bind.accept("fake-smsc");
      } catch (Exception e) {
        session.close();
      }
    }
  }

  private void sendReceipt(SMPPServerSession session, String id, SubmitSm sm) {
    String[] state =
        receiptStates.getOrDefault(sm.getDestAddress(), new String[] {"DELIVRD", "000"});
    String text = new String(sm.getShortMessage(), StandardCharsets.ISO_8859_1);
    DeliveryReceipt receipt =
        new DeliveryReceipt(
            id,
            1,
            "DELIVRD".equals(state[0]) ? 1 : 0,
            new Date(),
            new Date(),
            DeliveryReceiptState.valueOf(state[0]),
            state[1],
            text.substring(0, Math.min(20, text.length())));
    try {
      session.deliverShortMessage(
          "",
          TypeOfNumber.valueOf(sm.getDestAddrTon()),
          NumberingPlanIndicator.valueOf(sm.getDestAddrNpi()),
          sm.getDestAddress(),
          TypeOfNumber.valueOf(sm.getSourceAddrTon()),
          NumberingPlanIndicator.valueOf(sm.getSourceAddrNpi()),
          sm.getSourceAddr(),
          new ESMClass(
              MessageMode.DEFAULT, MessageType.SMSC_DEL_RECEIPT, GSMSpecificFeature.DEFAULT),
          (byte) 0,
          (byte) 0,
          new RegisteredDelivery(0),
          DataCodings.ZERO,
          receipt.toString().getBytes(StandardCharsets.US_ASCII));
      receiptAcks.add(id + ":0");
    } catch (NegativeResponseException e) {
      receiptAcks.add(id + ":" + e.getCommandStatus());
    } catch (Exception e) {
      receiptAcks.add(id + ":failed " + e);
    }
  }

  /** Closes the listening socket: new connections are refused until {@link #listen} again. */
  public void stopListening() throws IOException, InterruptedException {
    listener.close();
    acceptor.join(5_000);
  }

  /** Closes every bound session from the SMSC's side, as a crash or a network cut would. */
  public void dropSessions() {
    sessions.forEach(SMPPServerSession::close);
    sessions.clear();
  }

  @Override
  public void close() {
    try {
      listener.close();
    } catch (IOException e) {
      // closing anyway
    }
    dropSessions();
    receiptSender.shutdownNow();
  }

  @Override
  public SubmitSmResult onAcceptSubmitSm(SubmitSm sm, SMPPServerSession source)
      throws ProcessRequestException {
    Instant at = Instant.now();
    CountDownLatch hold = holds.get(sm.getDestAddress());
    if (hold != null) {
      try {
        hold.await(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    Integer refusal = refusals.get(sm.getDestAddress());
    if (refusal != null) {
      submits.add(new Submitted(sm, null, at));
      throw new ProcessRequestException("refused", refusal);
    }
    String id = Long.toHexString(nextId.incrementAndGet());
    byId.put(id, sm);
    submits.add(new Submitted(sm, id, at));
    try {
      return new SubmitSmResult(new MessageId(id), new OptionalParameter[0]);
    } catch (PDUStringException e) {
      throw new ProcessRequestException("bad id", SMPPConstant.STAT_ESME_RSYSERR);
    }
  }

  @Override
  public void onAcceptEnquireLink(EnquireLink enquireLink, Session source) {
    enquireLinks.incrementAndGet();
    firstEnquireLink.countDown();
  }

  @Override
  public SubmitMultiResult onAcceptSubmitMulti(SubmitMulti submitMulti, SMPPServerSession source)
      throws ProcessRequestException {
    throw new ProcessRequestException("not supported", SMPPConstant.STAT_ESME_RINVCMDID);
  }

  @Override
  public QuerySmResult onAcceptQuerySm(QuerySm querySm, SMPPServerSession source)
      throws ProcessRequestException {
    throw new ProcessRequestException("not supported", SMPPConstant.STAT_ESME_RINVCMDID);
  }

  @Override
  public void onAcceptReplaceSm(ReplaceSm replaceSm, SMPPServerSession source)
      throws ProcessRequestException {
    throw new ProcessRequestException("not supported", SMPPConstant.STAT_ESME_RINVCMDID);
  }

  @Override
  public void onAcceptCancelSm(CancelSm cancelSm, SMPPServerSession source)
      throws ProcessRequestException {
    throw new ProcessRequestException("not supported", SMPPConstant.STAT_ESME_RINVCMDID);
  }

  @Override
  public BroadcastSmResult onAcceptBroadcastSm(BroadcastSm broadcastSm, SMPPServerSession source)
      throws ProcessRequestException {
    throw new ProcessRequestException("not supported", SMPPConstant.STAT_ESME_RINVCMDID);
  }

  @Override
  public void onAcceptCancelBroadcastSm(
      CancelBroadcastSm cancelBroadcastSm, SMPPServerSession source)
      throws ProcessRequestException {
    throw new ProcessRequestException("not supported", SMPPConstant.STAT_ESME_RINVCMDID);
  }

  @Override
  public QueryBroadcastSmResult onAcceptQueryBroadcastSm(
      QueryBroadcastSm queryBroadcastSm, SMPPServerSession source) throws ProcessRequestException {
    throw new ProcessRequestException("not supported", SMPPConstant.STAT_ESME_RINVCMDID);
  }

  @Override
  public DataSmResult onAcceptDataSm(DataSm dataSm, Session source) throws ProcessRequestException {
    throw new ProcessRequestException("not supported", SMPPConstant.STAT_ESME_RINVCMDID);
  }
}
