package io.otpstream.bench.growth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class RestoresTest {
  @Test
  void nothing_restored_yet_is_not_quiet() {
    assertFalse(new Restores().quietSince(100));
  }

  @Test
  void a_restoration_under_way_is_not_quiet() {
    Restores r = new Restores();
    r.started(10);
    assertFalse(r.quietSince(100));
  }

  @Test
  void restorations_all_ended_before_the_mark_are_quiet() {
    Restores r = new Restores();
    r.started(10);
    r.started(11);
    r.restored(500);
    r.ended(20);
    r.ended(30);
    assertTrue(r.quietSince(40));
    assertFalse(r.quietSince(25));
    assertEquals(30, r.lastEnd());
    assertEquals(500, r.records());
  }
}
