package io.otpstream.dispatcher.sms.smpp;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.jsmpp.bean.BindType;
import org.jsmpp.bean.NumberingPlanIndicator;
import org.jsmpp.bean.TypeOfNumber;
import org.jsmpp.extra.SessionState;
import org.jsmpp.session.BindParameter;
import org.jsmpp.session.MessageReceiverListener;
import org.jsmpp.session.SMPPSession;
import org.jsmpp.session.Session;
import org.jsmpp.session.connection.ConnectionFactory;
import org.jsmpp.session.connection.socket.SocketConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one TRANSCEIVER session bound to the SMSC: bound in the background from construction on,
 * and bound again, with exponential backoff and jitter, whenever it is lost (the SMSC closes it,
 * unbinds, or stops answering enquire_link). {@link #bound()} is the session to use now, or null
 * while there is none.
 */
final class SmscSession implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SmscSession.class);

  private final SmppSettings settings;
  private final MessageReceiverListener receiver;
  private final BindParameter bindParameter;
  private final ScheduledThreadPoolExecutor rebinder;
  private final Object lock = new Object();

  /** The bound session; null while there is none. Guarded by {@link #lock}. */
  private SMPPSession session;

  private boolean closed;

  /** Bind attempts failed in a row; touched on the rebinder thread only. */
  private int failures;

  /** Starts binding at once, in the background; {@code receiver} takes what the SMSC sends. */
  SmscSession(SmppSettings settings, MessageReceiverListener receiver) {
    this.settings = settings;
    this.receiver = receiver;
    this.bindParameter =
        new BindParameter(
            BindType.BIND_TRX,
            settings.systemId(),
            settings.password(),
            settings.systemType(),
            TypeOfNumber.UNKNOWN,
            NumberingPlanIndicator.UNKNOWN,
            null);
    this.rebinder =
        new ScheduledThreadPoolExecutor(
            1,
            r -> {
              Thread t = new Thread(r, "smpp-bind-" + settings.host() + ":" + settings.port());
              t.setDaemon(true);
              return t;
            });
    rebinder.execute(this::bind);
  }

  /** The session when one is bound and can transmit now, else null. */
  SMPPSession bound() {
    SMPPSession s;
    synchronized (lock) {
      s = session;
    }
    return s != null && s.getSessionState().isTransmittable() ? s : null;
  }

  boolean isBound() {
    synchronized (lock) {
      return session != null;
    }
  }

  /** Waits until a session is bound ({@code bound}) or none is; false on timeout or once closed. */
  boolean awaitState(boolean bound, Duration timeout) throws InterruptedException {
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
   * Unbinds and closes, waiting at most the timeout. jSMPP's own unbindAndClose waits the whole
   * transaction timer when the SMSC closes the connection instead of answering unbind_resp (pending
   * responses are not released on close), so it runs on a helper thread and this returns once the
   * session is closed.
   */
  private void unbindAndClose(SMPPSession s) {
    CountDownLatch gone = new CountDownLatch(1);
    s.addSessionStateListener(
        (newState, oldState, source) -> {
          if (newState == SessionState.CLOSED) {
            gone.countDown();
          }
        });
    if (s.getSessionState() == SessionState.CLOSED) {
      return;
    }
    Thread unbinder =
        new Thread(s::unbindAndClose, "smpp-unbind-" + settings.host() + ":" + settings.port());
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
    s.setMessageReceiverListener(receiver);
    s.addSessionStateListener(this::onStateChange);
    try {
      s.connectAndBind(settings.host(), settings.port(), bindParameter, settings.timeoutMs());
    } catch (IOException e) {
      s.close();
      failures++;
      long delay = backoff(failures);
      log.warn(
          "cannot bind to SMSC {}:{} as {} (attempt {}): {}; next attempt in {} ms",
          settings.host(),
          settings.port(),
          settings.systemId(),
          failures,
          e.getMessage(),
          delay);
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
    log.info(
        "bound to SMSC {}:{} as {} (transceiver)",
        settings.host(),
        settings.port(),
        settings.systemId());
    if (!s.getSessionState().isBound()) {
      lost(s); // lost between the bind and its publication: the state listener ignored it
    }
  }

  /**
   * jSMPP's session state listener: called on its reader thread, or on whichever thread closes the
   * session.
   */
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
    long base =
        Math.min(
            (long) settings.reconnectMaxMs(),
            (long) settings.reconnectMinMs() << Math.min(failed, 20));
    return base + ThreadLocalRandom.current().nextLong(base / 5 + 1);
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
}
