package io.otpstream.bench.growth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RestoreVariantsTest {
  @Test
  void each_set_follows_a_baseline_without_extra_settings() {
    assertEquals(
        List.of(
            Map.of(),
            Map.of("restore.consumer.max.poll.records", "10000", "num.stream.threads", "2"),
            Map.of("num.standby.replicas", "1")),
        RestoreVariants.parse(
            "restore.consumer.max.poll.records=10000,num.stream.threads=2;num.standby.replicas=1"));
  }

  @Test
  void no_variants_means_no_probes_at_all() {
    assertEquals(List.of(), RestoreVariants.parse(" "));
  }

  @Test
  void a_setting_without_a_value_is_refused() {
    assertThrows(IllegalArgumentException.class, () -> RestoreVariants.parse("num.stream.threads"));
  }
}
