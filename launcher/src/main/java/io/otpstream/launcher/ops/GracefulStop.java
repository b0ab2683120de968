package io.otpstream.launcher.ops;

import io.otpstream.api.ApiServer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a service process stops when asked to (SIGTERM from Docker or Kubernetes, Ctrl-C): its parts
 * are closed in order, all within {@code OTP_STOP_TIMEOUT_MS} (default 20 s); parts still closing
 * then are abandoned and the JVM halts, so a stop never hangs until the orchestrator's SIGKILL. The
 * api first drains ({@link #drain}): not ready for {@code OTP_DRAIN_MS} (default 5 s) while it
 * still serves, so a load balancer stops sending before the server stops taking requests.
 */
public final class GracefulStop {
  private static final Logger log = LoggerFactory.getLogger(GracefulStop.class);

  /** Defaults of {@code OTP_DRAIN_MS} and {@code OTP_STOP_TIMEOUT_MS} (options of the commands). */
  public static final long DEFAULT_DRAIN_MS = 5_000;

  public static final long DEFAULT_STOP_TIMEOUT_MS = 20_000;

  private GracefulStop() {}

  /**
   * Blocks until the JVM is asked to stop, then closes {@code parts} in order within {@code
   * stopTimeout}, halting the JVM if they have not finished by then.
   */
  public static Integer runUntilStopped(Duration stopTimeout, AutoCloseable... parts)
      throws InterruptedException {
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  if (!closeWithin(stopTimeout, List.of(parts))) {
                    log.error(
                        "not stopped within {} ms (OTP_STOP_TIMEOUT_MS): halting",
                        stopTimeout.toMillis());
                    Runtime.getRuntime().halt(1);
                  }
                  stopped.countDown();
                },
                "otp-stop"));
    stopped.await();
    return 0;
  }

  /**
   * Closes {@code parts} in order on a thread of its own; true if all were closed within {@code
   * timeout}, false if one still hangs then (it is left behind). A part that fails is logged and
   * the next one closed.
   */
  public static boolean closeWithin(Duration timeout, List<AutoCloseable> parts) {
    Thread closer =
        new Thread(
            () -> {
              for (AutoCloseable part : parts) {
                try {
                  part.close();
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                  return;
                } catch (Exception e) {
                  log.warn("error while stopping {}", part, e);
                }
              }
            },
            "otp-stop-parts");
    closer.setDaemon(true);
    long started = System.nanoTime();
    closer.start();
    try {
      closer.join(Math.max(1, timeout.toMillis()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (closer.isAlive()) {
      return false;
    }
    log.info("stopped in {} ms", (System.nanoTime() - started) / 1_000_000);
    return true;
  }

  /** The api's first stop step: not ready, still serving, for {@code period}. */
  public static AutoCloseable drain(ApiServer api, Duration period) {
    return () -> {
      api.drain();
      Thread.sleep(period.toMillis());
    };
  }
}
