package io.otpstream.schemas.topics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ReplicationTest {

  @Test
  void three_brokers_or_more_keep_three_copies_two_in_sync() {
    assertEquals(new Replication((short) 3, 2), Replication.forBrokers(3));
    assertEquals(new Replication((short) 3, 2), Replication.forBrokers(7));
  }

  @Test
  void fewer_brokers_keep_a_copy_each_and_one_in_sync() {
    assertEquals(new Replication((short) 1, 1), Replication.forBrokers(1));
    assertEquals(new Replication((short) 2, 1), Replication.forBrokers(2));
  }

  @Test
  void more_in_sync_replicas_than_copies_is_refused_naming_the_range() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> new Replication((short) 2, 3));
    assertTrue(e.getMessage().contains("min.insync.replicas 3"), e.getMessage());
    assertTrue(e.getMessage().contains("(1-2)"), e.getMessage());
  }

  @Test
  void a_topic_describes_how_to_create_it_by_hand() {
    Topics topics = new Topics("x.");
    assertEquals(
        "x.otp.apps (1 partition, cleanup.policy=compact, retention.ms=-1)",
        topics.apps.describe());
    assertEquals(
        "x.otp.delivery.email (6 partitions, cleanup.policy=delete, retention.ms=604800000)",
        topics.deliveryEmail.describe());
  }
}
