package io.otpstream.processor.decision;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.otpstream.processor.decision.SlidingWindows.Verdict;
import io.otpstream.processor.streams.StoreEntries;
import io.otpstream.schemas.apps.Limit;
import io.otpstream.schemas.limits.SlidingWindow;
import io.otpstream.schemas.serde.AvroSerde;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The window log on a real (in-memory) store: a limit above the 10,000 cap, which the management
 * API refuses but an old settings version may hold, is enforced as 10,000, so a window's store
 * value (and changelog record) never grows past 10,000 event times.
 */
class SlidingWindowsTest {
  private static final long T0 = Instant.parse("2025-03-01T10:00:00Z").toEpochMilli();
  private static final String RULE = "sends_per_ip";

  private KeyValueStore<String, SlidingWindow> capped;
  private KeyValueStore<String, SlidingWindow> huge;

  @BeforeEach
  void setUp() {
    capped = store("capped");
    huge = store("huge");
  }

  @AfterEach
  void tearDown() {
    capped.close();
    huge.close();
  }

  private static KeyValueStore<String, SlidingWindow> store(String name) {
    KeyValueStore<String, SlidingWindow> s =
        Stores.keyValueStoreBuilder(
                Stores.inMemoryKeyValueStore(name),
                Serdes.String(),
                AvroSerde.of(SlidingWindow.class))
            .withLoggingDisabled()
            .withCachingDisabled()
            .build();
    s.init(new MockProcessorContext<>().getStateStoreContext(), s);
    return s;
  }

  /** A window already holding {@code count} events, one every 10 ms from T0. */
  private static void seed(KeyValueStore<String, SlidingWindow> store, String key, int count) {
    List<Long> events = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      events.add(T0 + i * 10L);
    }
    store.put(SlidingWindows.storeKey(RULE, key), new SlidingWindow(events, 3_600_000L));
  }

  @Test
  void a_limit_of_a_million_decides_exactly_like_a_limit_of_10000() {
    seed(capped, "198.51.100.1", 9_998);
    seed(huge, "198.51.100.1", 9_998);
    SlidingWindows atCap = new SlidingWindows(StoreEntries.of(capped));
    SlidingWindows overCap = new SlidingWindows(StoreEntries.of(huge));
    Limit tenThousand = new Limit(10_000, 3600);
    Limit million = new Limit(1_000_000, 3600);
    for (int i = 0; i < 5; i++) {
      long t = T0 + 200_000 + i * 1000L;
      Verdict expected = atCap.ask(RULE, "198.51.100.1", tenThousand, t);
      Verdict got = overCap.ask(RULE, "198.51.100.1", million, t);
      assertEquals(expected, got, "event " + (9_998 + i));
      if (got.allowed()) {
        atCap.record(RULE, "198.51.100.1", tenThousand, t);
        overCap.record(RULE, "198.51.100.1", million, t);
      }
    }
    Verdict refused = overCap.ask(RULE, "198.51.100.1", million, T0 + 300_000);
    assertFalse(refused.allowed(), "the 10,001st event in the window is refused");
    assertEquals(10_000, refused.limit(), "the audit names the limit enforced");
    assertEquals(3_300, refused.retryAfterSeconds(), "until the oldest event slides out");
    assertEquals(
        10_000, huge.get(SlidingWindows.storeKey(RULE, "198.51.100.1")).getEvents().size());
  }

  @Test
  void recording_under_a_limit_above_the_cap_never_keeps_more_than_10000_event_times() {
    seed(huge, "203.0.113.9", 10_000);
    SlidingWindows windows = new SlidingWindows(StoreEntries.of(huge));
    Limit million = new Limit(1_000_000, 3600);
    for (int i = 1; i <= 5; i++) {
      windows.record(RULE, "203.0.113.9", million, T0 + 100_000 + i);
    }
    SlidingWindow w = huge.get(SlidingWindows.storeKey(RULE, "203.0.113.9"));
    assertEquals(10_000, w.getEvents().size());
    assertEquals(T0 + 100_005, w.getEvents().get(w.getEvents().size() - 1), "the newest are kept");
    assertEquals(T0 + 50, w.getEvents().get(0), "the oldest five are dropped");
  }

  @Test
  void
      a_limit_under_the_cap_still_admits_up_to_the_limit_and_refuses_the_next_until_the_oldest_slides_out() {
    SlidingWindows windows = new SlidingWindows(StoreEntries.of(capped));
    Limit three = new Limit(3, 60);
    for (int i = 0; i < 3; i++) {
      assertTrue(windows.ask(RULE, "ip", three, T0 + i * 1000L).allowed());
      windows.record(RULE, "ip", three, T0 + i * 1000L);
    }
    Verdict fourth = windows.ask(RULE, "ip", three, T0 + 3000);
    assertFalse(fourth.allowed());
    assertEquals(57, fourth.retryAfterSeconds());
    assertTrue(windows.ask(RULE, "ip", three, T0 + 60_000).allowed(), "the oldest slid out");
  }
}
