package io.otpstream.e2e.faults;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.otpstream.common.json.Json;
import io.otpstream.e2e.faults.Exchange.Kind;
import io.otpstream.e2e.support.Http;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;

/**
 * A steady load of user flows over real HTTP, at a fixed rate of requests per second shared by a
 * few threads: send a code by SMS to a number (a quarter of them to one of three "hot" numbers, so
 * the per-number limit refuses some), sometimes resend, read the code the SMS provider received,
 * sometimes verify a wrong code, then the right one. Flows alternate between the api instances and
 * skip one marked down (as a load balancer would, also after one failed to answer). Every request
 * and its answer is recorded; a flow whose answer is unknown (no answer, or 503) stops there, so
 * every later expectation is sound.
 */
final class LoadDriver {
  static final String HOT_PREFIX = "+1650555000";
  private final List<Http> apis;
  private final AtomicIntegerArray down;
  private final SmsReceiver sms;
  private final String apiKey;
  private final long intervalNanos;
  private final List<Exchange> exchanges = new CopyOnWriteArrayList<>();
  private final AtomicBoolean running = new AtomicBoolean();
  private final AtomicInteger nextNumber = new AtomicInteger();
  private final AtomicInteger nextFlow = new AtomicInteger();
  private final List<Thread> threads = new ArrayList<>();
  private long nextSlot;

  LoadDriver(List<String> apiUrls, SmsReceiver sms, String apiKey, int requestsPerSecond) {
    this.apis = apiUrls.stream().map(Http::new).toList();
    this.down = new AtomicIntegerArray(apiUrls.size());
    this.sms = sms;
    this.apiKey = apiKey;
    this.intervalNanos = TimeUnit.SECONDS.toNanos(1) / requestsPerSecond;
  }

  /** Starts {@code threads} flow threads. */
  LoadDriver start(int threadCount) {
    running.set(true);
    nextSlot = System.nanoTime();
    for (int i = 0; i < threadCount; i++) {
      Thread t = new Thread(this::flows, "load-" + i);
      t.setDaemon(true);
      threads.add(t);
      t.start();
    }
    return this;
  }

  /** Stops the flows, waits for the requests under way, and returns every exchange. */
  List<Exchange> stop() throws InterruptedException {
    running.set(false);
    for (Thread t : threads) {
      t.join(TimeUnit.SECONDS.toMillis(45));
    }
    return List.copyOf(exchanges);
  }

  /** Every exchange so far. */
  List<Exchange> exchanges() {
    return List.copyOf(exchanges);
  }

  /** Sends no flow to api {@code i} until {@link #up}. */
  void down(int i) {
    down.set(i, 1);
  }

  void up(int i) {
    down.set(i, 0);
  }

  private void flows() {
    while (running.get()) {
      try {
        flow();
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  private void flow() throws InterruptedException {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    int api = pickApi(nextFlow.getAndIncrement());
    String number =
        random.nextInt(4) == 0
            ? HOT_PREFIX + random.nextInt(3)
            : "+1415555" + String.format("%04d", nextNumber.getAndIncrement() % 10_000);
    String ip = "10." + random.nextInt(256) + "." + random.nextInt(256) + ".1";
    Exchange send =
        call(
            Kind.SEND,
            api,
            number,
            null,
            null,
            ip,
            "/api/v1/otp/send",
            "{\"channels\":[\"sms\"],\"recipients\":{\"sms\":\"" + number + "\"}}");
    if (send.status() != 200 || send.sessionId() == null) {
      return;
    }
    String session = send.sessionId();
    String token = tokenOf(send);
    String tokenJson = "{\"session_token\":\"" + token + "\"";
    int generation = 0;
    if (random.nextInt(10) < 3) {
      Exchange resend =
          call(Kind.RESEND, api, number, session, null, ip, "/api/v1/otp/resend", tokenJson + "}");
      if (resend.unknown()) {
        return;
      }
      if (resend.ok()) {
        generation++;
      }
    }
    String code = sms.awaitCode(session + ":" + generation + ":sms", 3_000);
    if (code == null || !running.get()) {
      return;
    }
    if (random.nextInt(10) < 3) {
      String wrong = (char) ('0' + (code.charAt(0) - '0' + 1) % 10) + code.substring(1);
      Exchange check = verify(api, number, session, ip, tokenJson, wrong, false);
      if (check.unknown()) {
        return;
      }
    }
    verify(api, number, session, ip, tokenJson, code, true);
  }

  private Exchange verify(
      int api,
      String number,
      String session,
      String ip,
      String tokenJson,
      String code,
      boolean right)
      throws InterruptedException {
    return call(
        Kind.VERIFY,
        api,
        number,
        session,
        right,
        ip,
        "/api/v1/otp/verify",
        tokenJson + ",\"otps\":{\"sms\":\"" + code + "\"}}");
  }

  private int pickApi(int flow) {
    for (int k = 0; k < apis.size(); k++) {
      int i = (flow + k) % apis.size();
      if (down.get(i) == 0) {
        return i;
      }
    }
    return flow % apis.size();
  }

  private Exchange call(
      Kind kind,
      int api,
      String number,
      String session,
      Boolean expectVerified,
      String ip,
      String path,
      String body)
      throws InterruptedException {
    pace();
    long started = System.currentTimeMillis();
    Exchange e;
    try {
      Http.Response r =
          apis.get(api).post(path, Map.of("X-API-Key", apiKey, "X-End-User-IP", ip), body);
      String sessionId = session;
      if (kind == Kind.SEND && r.status() == 200 && r.json() != null) {
        JsonNode id = r.json().path("data").path("session_id");
        sessionId = id.isTextual() ? id.asText() : null;
      }
      e =
          new Exchange(
              kind,
              api,
              number,
              sessionId,
              expectVerified,
              started,
              System.currentTimeMillis(),
              r.status(),
              r.raw(),
              r.header("Retry-After"),
              r.header("X-Otp-Rule"));
    } catch (IllegalStateException noAnswer) {
      if (Thread.currentThread().isInterrupted()) {
        throw new InterruptedException();
      }
      down.set(api, 1); // as a load balancer's passive health check: no more flows to it
      e =
          new Exchange(
              kind,
              api,
              number,
              session,
              expectVerified,
              started,
              System.currentTimeMillis(),
              Exchange.NO_ANSWER,
              String.valueOf(noAnswer.getCause()),
              null,
              null);
    }
    exchanges.add(e);
    return e;
  }

  private static String tokenOf(Exchange send) {
    try {
      return Json.MAPPER.readTree(send.body()).path("data").path("session_token").asText();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Waits until a request begun at {@code fromMs} or later has succeeded. */
  void awaitSuccessAfter(long fromMs) {
    await()
        .atMost(Duration.ofSeconds(180))
        .pollInterval(Duration.ofMillis(200))
        .until(() -> exchanges.stream().anyMatch(e -> e.ok() && e.startedMs() >= fromMs));
  }

  /**
   * Waits for this request's slot: one every {@code 1 / rate} seconds, never a burst to catch up.
   */
  private void pace() throws InterruptedException {
    long slot;
    synchronized (this) {
      slot = Math.max(System.nanoTime(), nextSlot);
      nextSlot = slot + intervalNanos;
    }
    long wait = slot - System.nanoTime();
    if (wait > 0) {
      TimeUnit.NANOSECONDS.sleep(wait);
    }
  }
}
