package io.otpstream.e2e.faults;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.otpstream.e2e.faults.Invariants.Rules;
import io.otpstream.e2e.support.Http;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * The fault suite: one cluster of three brokers, the services started once, a steady load of user
 * flows, and the faults one after another, each checked by the {@link Invariants} and timed ({@link
 * Recovery}). The default build runs each fault once under a few seconds of load; {@code -Pfaults}
 * (the system property {@code otp.faults.long}) runs longer loads and repeats each fault three
 * times. RELIABILITY.md gives the figures of a run.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
// beside the other classes (junit-platform.properties); the lock keeps its faults one after another
// on one thread, as @Execution(CONCURRENT) alone would also run its methods at once
@Execution(ExecutionMode.CONCURRENT)
@ResourceLock("faults.FaultsUnderLoadTest")
class FaultsUnderLoadTest {
  private static final boolean LONG = Boolean.getBoolean("otp.faults.long");
  private static final int ROUNDS = LONG ? 3 : 1;
  private static final Duration WARM = Duration.ofSeconds(LONG ? 10 : 3);
  private static final Duration AFTER = Duration.ofSeconds(LONG ? 15 : 4);
  private static final int RATE = 20;
  private static final int THREADS = 24;
  private static final List<String> APPS =
      List.of(
          "app-warm-up",
          "app-processor-kill",
          "app-broker-stop",
          "app-processor-pause",
          "app-dispatcher-kill",
          "app-api-kill");
  private static final List<String> summary = new ArrayList<>();
  private static final Map<String, Phase> phases = new LinkedHashMap<>();
  private static FaultCluster cluster;
  private static FaultServices services;
  private static long startedAt;

  @BeforeAll
  static void start() throws Exception {
    startedAt = System.currentTimeMillis();
    cluster = FaultCluster.start();
    services = new FaultServices(cluster, APPS);
    services.warmUp("app-warm-up");
    summary.add("start-up: " + (System.currentTimeMillis() - startedAt) + " ms");
  }

  @AfterAll
  static void stop() throws Exception {
    try {
      if (services != null) {
        services.close();
      }
    } finally {
      if (cluster != null) {
        cluster.close();
      }
      summary.add("wall time of the class: " + (System.currentTimeMillis() - startedAt) + " ms");
      summary.forEach(line -> System.out.println("FAULTS " + line));
    }
  }

  /** One fault's run: its app, what its clients saw, the rules it was checked by. */
  private record Phase(String app, List<Exchange> exchanges, Rules rules) {}

  /** A fault: inject it, and heal it (returns when the healed part is back). */
  private interface Fault {
    void inject() throws Exception;

    void heal() throws Exception;
  }

  @Test
  @Order(1)
  void a_processor_killed_and_restarted_loses_and_doubles_no_decision() throws Exception {
    run(
        "processor SIGKILL",
        "app-processor-kill",
        Duration.ofSeconds(2),
        new Fault() {
          public void inject() throws Exception {
            services.processor().kill();
          }

          public void heal() {
            services.startProcessor();
            services.awaitReady();
          }
        },
        false,
        0);
  }

  @Test
  @Order(2)
  void a_broker_shut_down_and_started_again_loses_and_doubles_nothing() throws Exception {
    int broker = cluster.aBroker();
    run(
        "broker shutdown",
        "app-broker-stop",
        Duration.ofSeconds(LONG ? 20 : 5),
        new Fault() {
          public void inject() {
            cluster.stopBroker(broker);
          }

          public void heal() {
            cluster.startBroker(broker);
          }
        },
        false,
        DISPATCHER_WINDOW);
  }

  @Test
  @Order(3)
  void a_processor_paused_past_its_session_timeout_writes_nothing_as_a_zombie() throws Exception {
    run(
        "processor SIGSTOP 15 s (session timeout 10 s)",
        "app-processor-pause",
        Duration.ofSeconds(15),
        new Fault() {
          public void inject() throws Exception {
            FaultServices.signal(services.processor(), "STOP");
          }

          public void heal() throws Exception {
            FaultServices.signal(services.processor(), "CONT");
            services.awaitReady();
          }
        },
        false,
        0);
  }

  @Test
  @Order(4)
  void a_dispatcher_killed_and_restarted_delivers_every_accepted_send() throws Exception {
    run(
        "dispatcher SIGKILL",
        "app-dispatcher-kill",
        Duration.ofSeconds(2),
        new Fault() {
          public void inject() throws Exception {
            services.dispatcher().kill();
          }

          public void heal() {
            services.startDispatcher();
            services.awaitReady();
          }
        },
        false,
        DISPATCHER_WINDOW);
  }

  @Test
  @Order(5)
  void an_api_killed_mid_request_leaves_every_answered_request_decided_once() throws Exception {
    run(
        "api SIGKILL",
        "app-api-kill",
        Duration.ofSeconds(2),
        new Fault() {
          public void inject() throws Exception {
            services.api().kill();
          }

          public void heal() {
            services.startApi();
            await()
                .atMost(Duration.ofSeconds(90))
                .ignoreExceptions()
                .until(
                    () -> new Http(services.apiUrls().get(1)).get("/health/live").status() == 200);
          }
        },
        true,
        0);
  }

  @Test
  @Order(6)
  void every_fault_still_keeps_its_promises_once_the_log_has_settled() {
    // a zombie, or a command answered 503, may still write after its phase was checked
    List<String> broken = new ArrayList<>();
    phases.forEach(
        (name, p) -> {
          Report now =
              Invariants.check(
                  p.exchanges(), services.audit(p.app()), services.sms.received(), p.rules());
          String line =
              name
                  + " at the end: "
                  + p.exchanges().size()
                  + " requests, "
                  + now.decisions()
                  + " decided, "
                  + now.violations().size()
                  + " violations";
          summary.add(line);
          System.out.println("FAULTS " + line);
          now.violations().forEach(v -> broken.add(name + ": " + v));
        });
    assertTrue(broken.isEmpty(), String.join("\n", broken));
  }

  /** What one dispatcher may have sent but not yet marked sent when it lost its partitions. */
  private static final int DISPATCHER_WINDOW = FaultServices.DISPATCHER_IN_FLIGHT;

  private static void run(
      String name, String app, Duration hold, Fault fault, boolean noAnswerAllowed, int inFlight)
      throws Exception {
    LoadDriver load =
        new LoadDriver(services.apiUrls(), services.sms, services.liveKey(app), RATE)
            .start(THREADS);
    List<Recovery> recoveries = new ArrayList<>();
    long began = System.currentTimeMillis();
    try {
      load.awaitSuccessAfter(began); // the first requests of an app are slower: then steady
      underLoadFor(WARM);
      for (int round = 0; round < ROUNDS; round++) {
        long faultAt = System.currentTimeMillis();
        fault.inject();
        underLoadFor(hold);
        fault.heal();
        long healedAt = System.currentTimeMillis();
        load.up(0);
        load.up(1);
        load.awaitSuccessAfter(healedAt);
        underLoadFor(AFTER);
        recoveries.add(Recovery.of(load.exchanges(), faultAt, healedAt));
      }
    } finally {
      load.stop();
    }
    List<Exchange> exchanges = load.exchanges();
    long loadMs = System.currentTimeMillis() - began;
    Rules rules =
        new Rules(
            FaultServices.SENDS_PER_SUBJECT,
            FaultServices.MAX_RESENDS_PER_SESSION,
            inFlight * ROUNDS,
            noAnswerAllowed);
    Report report = services.settled(app, exchanges, rules);
    phases.put(name, new Phase(app, exchanges, rules));
    String line =
        name
            + ": "
            + exchanges.size()
            + " requests in "
            + loadMs
            + " ms ("
            + RATE
            + "/s target, "
            + THREADS
            + " flows); "
            + report
            + "; "
            + recoveries;
    summary.add(line);
    System.out.println("FAULTS " + line);
    report.assertHeld();
    assertTrue(
        recoveries.stream().allMatch(r -> r.firstSuccessAfterHealMs() >= 0),
        "the load had a success after each healing: " + recoveries);
  }

  /** Keeps the load running for {@code d}: the test's clock, not a wait for a condition. */
  private static void underLoadFor(Duration d) throws InterruptedException {
    Thread.sleep(d.toMillis());
  }
}
