package io.otpstream.e2e.delivery;

import static org.awaitility.Awaitility.await;

import io.otpstream.schemas.delivery.DeliveryState;
import io.otpstream.schemas.delivery.DeliveryStatus;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;

/** Waits on a delivery's statuses until a receipt has made one of them DELIVERED. */
final class DeliveredStatuses {
  private DeliveredStatuses() {}

  /** The statuses {@code read} gives once one is DELIVERED (30 s at most). */
  static List<DeliveryStatus> awaitDelivered(Callable<List<DeliveryStatus>> read) {
    return await()
        .atMost(Duration.ofSeconds(30))
        .until(read, l -> l.stream().anyMatch(s -> s.getState() == DeliveryState.DELIVERED));
  }

  /** The first DELIVERED status of {@code seen}. */
  static DeliveryStatus delivered(List<DeliveryStatus> seen) {
    return seen.stream()
        .filter(s -> s.getState() == DeliveryState.DELIVERED)
        .findFirst()
        .orElseThrow();
  }
}
