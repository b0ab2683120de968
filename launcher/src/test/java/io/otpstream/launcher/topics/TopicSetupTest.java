package io.otpstream.launcher.topics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.otpstream.schemas.topics.Replication;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TopicSetupTest {

  @Test
  void by_default_topics_are_created_with_what_the_cluster_can_hold() {
    TopicSetup setup = TopicSetup.fromEnv(Map.of());
    assertTrue(setup.autoCreate());
    assertEquals(new Replication((short) 1, 1), setup.replicationFor(1));
    assertEquals(new Replication((short) 2, 1), setup.replicationFor(2));
    assertEquals(new Replication((short) 3, 2), setup.replicationFor(5));
  }

  @Test
  void the_variables_override_the_cluster_defaults() {
    TopicSetup setup =
        TopicSetup.fromEnv(
            Map.of(
                "OTP_TOPIC_AUTO_CREATE", "FALSE",
                "OTP_REPLICATION_FACTOR", "4",
                "OTP_MIN_INSYNC_REPLICAS", "3"));
    assertFalse(setup.autoCreate());
    assertEquals(new Replication((short) 4, 3), setup.replicationFor(5));
    assertEquals(
        new Replication((short) 2, 1),
        TopicSetup.fromEnv(Map.of("OTP_REPLICATION_FACTOR", "2")).replicationFor(5),
        "the in-sync default follows an overridden factor");
  }

  @Test
  void a_wrong_value_is_refused_naming_the_variable() {
    assertRefused(Map.of("OTP_TOPIC_AUTO_CREATE", "no"), "OTP_TOPIC_AUTO_CREATE", "true or false");
    assertRefused(Map.of("OTP_REPLICATION_FACTOR", "0"), "OTP_REPLICATION_FACTOR", "1-32767");
    assertRefused(Map.of("OTP_MIN_INSYNC_REPLICAS", "two"), "OTP_MIN_INSYNC_REPLICAS", "1-32767");
  }

  @Test
  void more_in_sync_replicas_than_copies_is_refused_naming_both_variables() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                TopicSetup.fromEnv(
                        Map.of("OTP_REPLICATION_FACTOR", "2", "OTP_MIN_INSYNC_REPLICAS", "3"))
                    .replicationFor(3));
    assertTrue(e.getMessage().contains("OTP_MIN_INSYNC_REPLICAS=3"), e.getMessage());
    assertTrue(e.getMessage().contains("OTP_REPLICATION_FACTOR"), e.getMessage());
    IllegalArgumentException fromCluster =
        assertThrows(
            IllegalArgumentException.class,
            () -> TopicSetup.fromEnv(Map.of("OTP_MIN_INSYNC_REPLICAS", "2")).replicationFor(1));
    assertTrue(fromCluster.getMessage().contains("from the cluster"), fromCluster.getMessage());
  }

  private static void assertRefused(Map<String, String> env, String variable, String range) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> TopicSetup.fromEnv(env));
    assertTrue(e.getMessage().startsWith(variable), e.getMessage());
    assertTrue(e.getMessage().contains(range), e.getMessage());
  }
}
