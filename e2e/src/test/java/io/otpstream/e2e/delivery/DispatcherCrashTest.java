package io.otpstream.e2e.delivery;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.otpstream.common.json.Json;
import io.otpstream.common.outbox.Outbox;
import io.otpstream.dispatcher.provider.OutboxProvider;
import io.otpstream.dispatcher.sms.SmsDispatcher;
import io.otpstream.e2e.support.ConsumerGroups;
import io.otpstream.e2e.support.SharedKafka;
import io.otpstream.e2e.support.TestPipeline;
import io.otpstream.schemas.common.Channel;
import io.otpstream.schemas.delivery.DeliveryRequested;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * Three SMS dispatchers, each its own JVM (as in production), share 1,000 deliveries through their
 * consumer group and an HTTP SMS provider (a real local HTTP server, which counts what it
 * receives). One is killed (SIGKILL) half-way and started again: every message arrives, and exactly
 * once, except at most the messages that process had in flight, which the test prints. The kill
 * must matter: the victim still had deliveries of its own partitions to send, and the two others
 * take those partitions (and send some of them) before it is started again.
 */
class DispatcherCrashTest {
  private static final int DELIVERIES = 1000;
  private static final int MAX_IN_FLIGHT = 4;

  @Test
  void three_dispatchers_deliver_1000_messages_exactly_once_across_a_kill_and_a_restart()
      throws Exception {
    Map<String, AtomicInteger> received = new ConcurrentHashMap<>();
    HttpServer smsApi = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    smsApi.createContext(
        "/sms",
        exchange -> {
          JsonNode body = Json.MAPPER.readTree(exchange.getRequestBody());
          received
              .computeIfAbsent(body.get("message_id").asText(), k -> new AtomicInteger())
              .incrementAndGet();
          sleep(3); // a provider takes a moment: the kill lands with messages in flight
          byte[] answer = "{\"id\":\"ok\"}".getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().add("Content-Type", "application/json");
          exchange.sendResponseHeaders(200, answer.length);
          exchange.getResponseBody().write(answer);
          exchange.close();
        });
    smsApi.setExecutor(java.util.concurrent.Executors.newFixedThreadPool(16));
    smsApi.start();
    Outbox outbox = TestPipeline.newOutbox();
    List<Process> dispatchers = new ArrayList<>();
    try (TestPipeline pipeline =
        TestPipeline.start("crash", null, new OutboxProvider(outbox, "email", Clock.systemUTC()))) {
      String url = "http://127.0.0.1:" + smsApi.getAddress().getPort() + "/sms";
      for (int i = 0; i < 3; i++) {
        dispatchers.add(startDispatcher(pipeline, url, i));
      }
      awaitGroupMembers(pipeline, 3);

      String group = pipeline.kafka.topics().prefix() + SmsDispatcher.GROUP_ID;
      String topic = pipeline.kafka.topics().deliverySms.name();
      Set<Integer> all =
          IntStream.range(0, pipeline.kafka.topics().deliverySms.partitions())
              .boxed()
              .collect(Collectors.toSet());
      Map<String, Set<Integer>> before =
          owners(pipeline, group, topic, 3, all); // who owns what when the kill comes

      Map<String, Integer> partitionOf = produce(pipeline, DELIVERIES);
      await().atMost(Duration.ofSeconds(120)).until(() -> received.size() >= DELIVERIES / 2);
      Process victim = dispatchers.get(0);
      victim.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
      int atKill = received.size();
      Set<String> unsentAtKill =
          partitionOf.keySet().stream()
              .filter(id -> !received.containsKey(id))
              .collect(Collectors.toSet());

      // the group drops the victim when its session ends, and the two others share every partition
      Map<String, Set<Integer>> after = owners(pipeline, group, topic, 2, all);
      assertTrue(
          before.keySet().containsAll(after.keySet()),
          "the two others are two of the three: " + before + " / " + after);
      Set<Integer> victimPartitions =
          before.entrySet().stream()
              .filter(e -> !after.containsKey(e.getKey()))
              .flatMap(e -> e.getValue().stream())
              .collect(Collectors.toSet());
      assertFalse(victimPartitions.isEmpty(), "the victim owned partitions: " + before);
      List<String> victimLeft =
          unsentAtKill.stream()
              .filter(id -> victimPartitions.contains(partitionOf.get(id)))
              .toList();
      assertFalse(
          victimLeft.isEmpty(),
          "the victim still had deliveries to send when it was killed (partitions "
              + victimPartitions
              + ")");
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> victimLeft.stream().anyMatch(received::containsKey)); // the others send them
      System.out.printf(
          "dispatcher crash: the victim owned partitions %s, with %d deliveries unsent at the kill%n",
          victimPartitions, victimLeft.size());
      dispatchers.set(0, startDispatcher(pipeline, url, 3));

      await().atMost(Duration.ofSeconds(180)).until(() -> received.size() >= DELIVERIES);
      awaitNoLag(pipeline);
      List<String> twice =
          received.entrySet().stream()
              .filter(e -> e.getValue().get() > 1)
              .map(Map.Entry::getKey)
              .sorted()
              .toList();
      System.out.printf(
          "dispatcher crash: %d deliveries, killed one at %d received; duplicates %d (in-flight bound %d): %s%n",
          DELIVERIES, atKill, twice.size(), MAX_IN_FLIGHT, twice);
      assertEquals(DELIVERIES, received.size(), "every delivery arrived");
      assertTrue(
          twice.size() <= MAX_IN_FLIGHT,
          "only the killed process's in-flight messages may arrive twice: " + twice);
      assertTrue(
          received.values().stream().allMatch(c -> c.get() <= 2), "nothing arrived three times");
    } finally {
      dispatchers.forEach(Process::destroyForcibly);
      smsApi.stop(0);
    }
  }

  private static Process startDispatcher(TestPipeline pipeline, String url, int n)
      throws IOException {
    Path log = Files.createTempFile("otp-dispatcher-" + n + "-", ".log");
    ProcessBuilder pb =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m",
                "-Dorg.apache.avro.SERIALIZABLE_PACKAGES=java.lang,java.math,java.io,java.net,org.apache.avro.util,io.otpstream",
                "-cp",
                System.getProperty("java.class.path"),
                "io.otpstream.launcher.Main",
                "dispatcher-sms")
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    Map<String, String> env = pb.environment();
    env.put("KAFKA_BOOTSTRAP_SERVERS", SharedKafka.bootstrapServers());
    env.put("OTP_TOPIC_PREFIX", pipeline.kafka.topics().prefix());
    env.put("OTP_SECRET", pipeline.secretBase64);
    env.put("OTP_HEALTH_PORT", "0");
    env.put("OTP_SMS_PROVIDER", "http");
    env.put("OTP_SMS_HTTP_URL", url);
    env.put(
        "OTP_SMS_HTTP_BODY_TEMPLATE",
        "{\"to\":\"{{to}}\",\"text\":\"{{text}}\",\"message_id\":\"{{message_id}}\"}");
    env.put("OTP_SMS_MAX_IN_FLIGHT", Integer.toString(MAX_IN_FLIGHT));
    env.put("OTP_SMS_RATE_PER_SECOND", "1000");
    System.out.println("dispatcher " + n + " log: " + log);
    return pb.start();
  }

  /** Writes {@code n} deliveries; returns the partition each went to, by delivery id. */
  private static Map<String, Integer> produce(TestPipeline pipeline, int n) {
    Map<String, Integer> partitionOf = new ConcurrentHashMap<>();
    java.util.Properties p = pipeline.kafka.clientProperties();
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    Instant now = Instant.now();
    try (KafkaProducer<String, DeliveryRequested> producer =
        new KafkaProducer<>(
            p,
            new StringSerializer(),
            pipeline.kafka.topics().deliverySms.valueSerde().serializer())) {
      for (int i = 0; i < n; i++) {
        String session = "ses_crash_" + i;
        String deliveryId = session + ":0:sms";
        producer.send(
            new ProducerRecord<>(
                pipeline.kafka.topics().deliverySms.name(),
                "sub_" + i,
                DeliveryRequested.newBuilder()
                    .setDeliveryId(deliveryId)
                    .setSessionId(session)
                    .setSubjectId("sub_" + i)
                    .setAppId(pipeline.appId)
                    .setChannel(Channel.SMS)
                    .setDestination("+3361234" + String.format("%04d", i))
                    .setGeneration(0)
                    .setOtpLength(6)
                    .setRequestedAt(now)
                    .setExpiresAt(now.plus(Duration.ofMinutes(10)))
                    .build()),
            (meta, e) -> {
              if (e == null) {
                partitionOf.put(deliveryId, meta.partition());
              }
            });
      }
    }
    assertEquals(n, partitionOf.size(), "every delivery was written");
    return partitionOf;
  }

  private static void awaitGroupMembers(TestPipeline pipeline, int members) {
    try (Admin admin = Admin.create(pipeline.kafka.clientProperties())) {
      String group = pipeline.kafka.topics().prefix() + SmsDispatcher.GROUP_ID;
      await()
          .atMost(Duration.ofSeconds(90))
          .ignoreExceptions()
          .until(
              () ->
                  admin
                          .describeConsumerGroups(List.of(group))
                          .all()
                          .get()
                          .get(group)
                          .members()
                          .size()
                      >= members);
    }
  }

  /**
   * The partitions of {@code topic} by member, once the group is stable with {@code members}
   * members that own all of them.
   */
  private static Map<String, Set<Integer>> owners(
      TestPipeline pipeline, String group, String topic, int members, Set<Integer> all) {
    try (Admin admin = Admin.create(pipeline.kafka.clientProperties())) {
      return await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () -> ConsumerGroups.assignments(admin, group, topic),
              m ->
                  m.size() == members
                      && m.values().stream()
                          .flatMap(Set::stream)
                          .collect(Collectors.toSet())
                          .equals(all));
    }
  }

  /**
   * Waits until the group has committed everything on the delivery and retry topics: all processed.
   */
  private static void awaitNoLag(TestPipeline pipeline) {
    try (Admin admin = Admin.create(pipeline.kafka.clientProperties())) {
      String group = pipeline.kafka.topics().prefix() + SmsDispatcher.GROUP_ID;
      await()
          .atMost(Duration.ofSeconds(120))
          .ignoreExceptions()
          .until(
              () -> {
                Map<TopicPartition, OffsetAndMetadata> committed =
                    admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
                Map<TopicPartition, OffsetSpec> latest = new java.util.HashMap<>();
                for (int p = 0; p < pipeline.kafka.topics().deliverySms.partitions(); p++) {
                  latest.put(
                      new TopicPartition(pipeline.kafka.topics().deliverySms.name(), p),
                      OffsetSpec.latest());
                }
                return admin.listOffsets(latest).all().get().entrySet().stream()
                    .allMatch(
                        e ->
                            committed.get(e.getKey()) != null
                                && committed.get(e.getKey()).offset() >= e.getValue().offset());
              });
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
