package io.otpstream.bench.machine;

import io.otpstream.bench.delivery.Deliveries;
import io.otpstream.bench.delivery.OutboxTail;
import io.otpstream.bench.load.Http;
import io.otpstream.bench.load.Operation;
import io.otpstream.bench.scenario.BenchApps;
import io.otpstream.bench.scenario.Fresh;
import io.otpstream.bench.scenario.LiveSends;
import io.otpstream.bench.scenario.ResendStorm;
import io.otpstream.dev.local.DevCredentials;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The dev-mode scenarios of issue 15 point 2 that need more than a key: {@code live} (a live SMS
 * send timed until its message is in the dev outbox), {@code resend} (a resend storm on the demo
 * app's default settings, refused by the 30 s cooldown) and {@code storm} (a resend storm on an app
 * of its own with {@code resend_cooldown_seconds} 0, so every resend is a new code). Only the
 * scenarios asked for are set up: a storm opens its pool of sandbox sessions first, and its resends
 * go to the sessions of the pool in turn.
 */
final class ExtraScenarios implements AutoCloseable {
  /** The storm app's settings: no cooldown, and no other resend limit in the way. */
  static final String STORM_SETTINGS =
      "{\"resend_cooldown_seconds\":0,\"max_resends_per_session\":20,"
          + "\"resends_per_subject\":{\"limit\":10000,\"window_seconds\":60},"
          + "\"resends_per_ip\":{\"limit\":10000,\"window_seconds\":60}}";

  static final Map<String, String> NAMES =
      Map.of(
          "live", "otpstream live send to outbox",
          "resend", "otpstream resend storm refused",
          "storm", "otpstream resend storm cd 0");

  /**
   * The refused storm's pool: small, so that each session is resent many times a minute and its (at
   * most 3) accepted resends, one per 30 s cooldown, are a small share of the storm.
   */
  static final int REFUSED_POOL = 100;

  private final Deliveries deliveries = new Deliveries();
  private final Map<String, Operation> operations = new LinkedHashMap<>();
  private OutboxTail tail;

  /**
   * Sets up what {@code scenarios} asks for against the dev process at {@code base}, whose outbox
   * file is {@code outbox}; {@code stormSessions} is the size of each storm's pool.
   */
  static ExtraScenarios start(
      Http http,
      String base,
      DevCredentials creds,
      Path outbox,
      List<String> scenarios,
      int stormSessions)
      throws Exception {
    ExtraScenarios x = new ExtraScenarios();
    Fresh fresh = new Fresh();
    LiveSends demo =
        new LiveSends(http, List.of(base), creds.liveKey(), creds.testKey(), x.deliveries, fresh);
    if (scenarios.contains("live")) {
      x.tail = OutboxTail.start(outbox, x.deliveries);
      x.operations.put("live", demo.liveSend());
    }
    if (scenarios.contains("resend")) {
      ResendStorm s = ResendStorm.open(http, demo, creds.testKey(), REFUSED_POOL, fresh);
      System.out.printf("resend storm (demo app, default settings): %d sessions%n", s.sessions());
      x.operations.put("resend", s.resend());
    }
    if (scenarios.contains("storm")) {
      BenchApps.App app =
          BenchApps.create(base, creds.managementKey(), "Resend storm", STORM_SETTINGS);
      LiveSends sends =
          new LiveSends(http, List.of(base), app.liveKey(), app.testKey(), x.deliveries, fresh);
      ResendStorm s = ResendStorm.open(http, sends, app.testKey(), stormSessions, fresh);
      System.out.printf(
          "resend storm (app %s, %s): %d sessions%n", app.id(), STORM_SETTINGS, s.sessions());
      x.operations.put("storm", s.resend());
    }
    return x;
  }

  Map<String, Operation> operations() {
    return operations;
  }

  /**
   * Waits for the live sends' messages still on their way (the dev mode's SMS dispatcher sends 50 a
   * second), so that one step's backlog does not land in the next step.
   */
  void settle() {
    if (deliveries.inFlight() == 0) {
      return;
    }
    long t0 = System.nanoTime();
    long before = deliveries.inFlight();
    long left = deliveries.awaitSettled(Duration.ofSeconds(10), Duration.ofSeconds(180));
    System.out.printf(
        "  settle: %d live messages were still on their way; %d after %.1f s (%d unmatched so"
            + " far)%n",
        before, left, (System.nanoTime() - t0) / 1e9, deliveries.unmatchedCount());
  }

  @Override
  public void close() throws InterruptedException {
    if (tail != null) {
      tail.close();
    }
  }
}
