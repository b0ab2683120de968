package io.otpstream.e2e.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.otpstream.common.kafka.KafkaSettings;
import io.otpstream.e2e.support.SharedKafka;
import io.otpstream.launcher.admin.ManagementKeys;
import io.otpstream.schemas.topics.TopicBootstrap;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;

/**
 * Two {@code otpstream admin} runs of one installation overlap: the one that started later fences
 * the earlier one, which writes nothing, so there is never a second first key.
 */
class AdminFencingTest {

  @Test
  void an_admin_run_started_later_fences_an_earlier_one_so_one_first_key_exists() {
    KafkaSettings kafka =
        KafkaSettings.of(SharedKafka.bootstrapServers())
            .withPrefix("admin-fence-" + UUID.randomUUID().toString().substring(0, 8) + ".");
    try (Admin admin = Admin.create(kafka.clientProperties())) {
      TopicBootstrap.ensure(admin, kafka.topics(), (short) 1);
    }
    try (ManagementKeys earlier = new ManagementKeys(kafka);
        ManagementKeys later = new ManagementKeys(kafka)) {
      // the earlier run finds no key too, but its write comes after the later run began
      IllegalStateException fenced =
          assertThrows(IllegalStateException.class, earlier::createFirst);
      assertTrue(
          fenced.getMessage().contains("another 'otpstream admin' run"), fenced.getMessage());
      assertTrue(later.createFirst().isPresent(), "the later run creates the first key");
    }
    try (ManagementKeys next = new ManagementKeys(kafka)) {
      assertTrue(next.createFirst().isEmpty(), "a run after them creates none");
      assertEquals(1, next.inForce().size(), "one key in force");
    }
  }
}
