package io.otpstream.bench.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class DeliveriesTest {
  @Test
  void a_message_completes_the_send_waiting_for_its_number_only() {
    Deliveries d = new Deliveries();
    CompletableFuture<Void> first = d.expect("+16502000001");
    CompletableFuture<Void> second = d.expect("+16502000002");

    assertTrue(d.received("+16502000001"));

    assertTrue(first.isDone());
    assertFalse(second.isDone());
  }

  @Test
  void numbers_match_whatever_the_provider_writes_besides_the_digits() {
    Deliveries d = new Deliveries();
    CompletableFuture<Void> f = d.expect("+16502000001");

    assertTrue(d.received("1 (650) 200-0001"));
    assertTrue(f.isDone());
    assertEquals("16502000001", Deliveries.key("+1 650-200-0001"));
  }

  @Test
  void a_message_after_its_send_gave_up_counts_as_unmatched() {
    Deliveries d = new Deliveries();
    d.expect("+16502000001");
    d.accepted();
    d.forget("+16502000001");

    assertFalse(d.received("+16502000001"));
    assertEquals(1, d.unmatchedCount());
    assertEquals(0, d.inFlight());
  }

  @Test
  void accepted_messages_stay_in_flight_until_received() {
    Deliveries d = new Deliveries();
    d.expect("+16502000001");
    d.expect("+16502000002");
    d.accepted();
    d.accepted();
    d.received("+16502000001");

    assertEquals(1, d.inFlight());
    assertEquals(1, d.awaitSettled(Duration.ZERO, Duration.ofSeconds(5)));
    d.received("+16502000002");
    assertEquals(0, d.awaitSettled(Duration.ofSeconds(5), Duration.ofSeconds(5)));
  }
}
