package io.otpstream.api.otp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.otpstream.api.address.ClientAddresses.Source;
import io.otpstream.common.kafka.KafkaSettings;
import io.otpstream.common.settings.DefaultSettings;
import io.otpstream.schemas.apps.AppSettings;
import io.otpstream.schemas.command.CommandMeta;
import io.otpstream.schemas.command.OtpCheckRequested;
import io.otpstream.schemas.command.OtpRequested;
import io.otpstream.schemas.command.OtpRetried;
import io.otpstream.schemas.common.Channel;
import io.otpstream.schemas.topics.EntryStage;
import io.otpstream.schemas.topics.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.Test;

/** A command's metadata and its entry stage, without a broker. */
class CommandsTest {
  private static final Topics TOPICS = KafkaSettings.of("localhost:1").topics();
  private static final Instant AT = Instant.parse("2026-12-02T10:15:30Z");
  private static final Source SOURCE = new Source("ip_addr", "ipk_group");
  private static final AppSettings PLAIN = DefaultSettings.of("app-1");
  private static final AppSettings WITH_QUOTA =
      AppSettings.newBuilder(PLAIN).setQuota(100L).setVersion(7).build();

  private static Caller caller(boolean sandbox, Caller.Idempotent idempotent) {
    return new Caller("app-1", sandbox, SOURCE, AT, idempotent);
  }

  @Test
  void an_idempotent_request_gets_the_request_id_of_its_hash_so_every_repeat_shares_it() {
    Caller.Idempotent key = new Caller.Idempotent("order-42", "0123456789abcdef0123456789abcdef");
    assertEquals("idem_0123456789abcdef0123456789abcdef", Commands.requestId(caller(false, key)));
    assertEquals(Commands.requestId(caller(false, key)), Commands.requestId(caller(true, key)));
  }

  @Test
  void a_request_without_an_idempotency_key_gets_a_fresh_request_id_each_time() {
    String first = Commands.requestId(caller(false, null));
    assertTrue(first.startsWith("req_"), first);
    assertNotEquals(first, Commands.requestId(caller(false, null)));
  }

  @Test
  void
      the_metadata_carries_the_callers_source_time_sandbox_flag_key_settings_version_and_reply_address() {
    CommandMeta m =
        Commands.meta(WITH_QUOTA, caller(true, new Caller.Idempotent("k", "ab")), "otp.replies", 3);
    assertEquals("idem_ab", m.getRequestId());
    assertEquals("k", m.getIdempotencyKey());
    assertEquals(AT, m.getOccurredAt());
    assertEquals("app-1", m.getAppId());
    assertEquals("ip_addr", m.getClientIp());
    assertEquals("ipk_group", m.getIpKey());
    assertEquals("otp.replies", m.getReplyTopic());
    assertEquals(3, m.getReplyPartition());
    assertTrue(m.getSandbox());
    assertEquals(7, m.getSettingsVersion());
    assertEquals(WITH_QUOTA, m.getSettings());
    assertNull(Commands.meta(PLAIN, caller(false, null), "otp.replies", 0).getIdempotencyKey());
  }

  private static OtpRequested send(
      AppSettings settings, boolean sandbox, Caller.Idempotent idempotent) {
    return OtpRequested.newBuilder()
        .setMeta(Commands.meta(settings, caller(sandbox, idempotent), "otp.replies", 0))
        .setSessionId("ses_1")
        .setSubjectId("sub_1")
        .setChannels(List.of(Channel.SMS))
        .build();
  }

  @Test
  void a_live_send_of_an_app_with_a_quota_enters_at_the_quota_stage_keyed_by_app() {
    EntryStage.Route route = Commands.entry(TOPICS, send(WITH_QUOTA, false, null));
    assertEquals(TOPICS.quota.name(), route.topic().name());
    assertEquals("app-1", route.key());
  }

  @Test
  void an_idempotent_send_enters_at_the_quota_stage_even_without_a_quota() {
    EntryStage.Route route =
        Commands.entry(TOPICS, send(PLAIN, false, new Caller.Idempotent("k", "ab")));
    assertEquals(TOPICS.quota.name(), route.topic().name());
    assertTrue(route.key().startsWith("app-1#"), route.key());
  }

  @Test
  void an_idempotent_request_and_its_repeats_enter_under_one_key_and_other_requests_spread() {
    Caller.Idempotent first = new Caller.Idempotent("k", "ab");
    assertEquals(
        Commands.entry(TOPICS, send(PLAIN, false, first)).key(),
        Commands.entry(TOPICS, send(PLAIN, false, first)).key());
    Set<Integer> partitions = new HashSet<>();
    for (int i = 0; i < 200; i++) {
      Caller.Idempotent other = new Caller.Idempotent("k" + i, "hash" + i);
      partitions.add(partition(Commands.entry(TOPICS, send(PLAIN, false, other))));
    }
    assertEquals(TOPICS.quota.partitions(), partitions.size(), "partitions used: " + partitions);
  }

  private static OtpRequested phoneSend(AppSettings settings, boolean sandbox, String block) {
    return OtpRequested.newBuilder(send(settings, sandbox, null)).setSmsBlockId(block).build();
  }

  /** The partition Kafka's default partitioner gives the route's key on its topic. */
  private static int partition(EntryStage.Route route) {
    byte[] key = route.key().getBytes(StandardCharsets.UTF_8);
    return Utils.toPositive(Utils.murmur2(key)) % route.topic().partitions();
  }

  @Test
  void one_apps_sends_to_many_number_blocks_enter_the_quota_stage_on_every_partition() {
    Set<Integer> partitions = new HashSet<>();
    for (int block = 0; block < 200; block++) {
      EntryStage.Route route = Commands.entry(TOPICS, phoneSend(PLAIN, false, "blk_" + block));
      assertEquals(TOPICS.quota.name(), route.topic().name());
      partitions.add(partition(route));
    }
    assertEquals(TOPICS.quota.partitions(), partitions.size(), "partitions used: " + partitions);
  }

  @Test
  void every_send_to_one_number_block_enters_under_one_key_live_or_sandbox_alike() {
    String key = Commands.entry(TOPICS, phoneSend(PLAIN, false, "blk_7")).key();
    assertEquals(key, Commands.entry(TOPICS, phoneSend(PLAIN, false, "blk_7")).key());
    assertEquals(key, Commands.entry(TOPICS, phoneSend(PLAIN, true, "blk_7")).key());
    assertEquals(key, Commands.entry(TOPICS, phoneSend(WITH_QUOTA, true, "blk_7")).key());
  }

  @Test
  void a_live_send_to_a_phone_of_an_app_with_a_quota_enters_keyed_by_app_where_the_quota_is_kept() {
    for (int block = 0; block < 20; block++) {
      EntryStage.Route route = Commands.entry(TOPICS, phoneSend(WITH_QUOTA, false, "blk_" + block));
      assertEquals(TOPICS.quota.name(), route.topic().name());
      assertEquals("app-1", route.key());
    }
  }

  @Test
  void
      a_sandbox_send_and_a_send_of_an_app_without_quota_enter_at_the_per_ip_stage_keyed_by_the_address_group() {
    for (OtpRequested send : List.of(send(WITH_QUOTA, true, null), send(PLAIN, false, null))) {
      EntryStage.Route route = Commands.entry(TOPICS, send);
      assertEquals(TOPICS.requests.name(), route.topic().name());
      assertEquals("ipk_group", route.key());
    }
  }

  @Test
  void a_resend_enters_like_a_send() {
    OtpRetried resend =
        OtpRetried.newBuilder()
            .setMeta(Commands.meta(WITH_QUOTA, caller(false, null), "otp.replies", 0))
            .setSessionId("ses_1")
            .setSubjectId("sub_1")
            .setChannels(List.of(Channel.SMS))
            .build();
    assertEquals(TOPICS.quota.name(), Commands.entry(TOPICS, resend).topic().name());
  }

  @Test
  void a_check_enters_at_the_session_stage_keyed_by_its_subject() {
    OtpCheckRequested check =
        OtpCheckRequested.newBuilder()
            .setMeta(Commands.meta(WITH_QUOTA, caller(false, null), "otp.replies", 0))
            .setSessionId("ses_1")
            .setSubjectId("sub_1")
            .setCodes(List.of())
            .build();
    EntryStage.Route route = Commands.entry(TOPICS, check);
    assertEquals(TOPICS.commands.name(), route.topic().name());
    assertEquals("sub_1", route.key());
  }
}
