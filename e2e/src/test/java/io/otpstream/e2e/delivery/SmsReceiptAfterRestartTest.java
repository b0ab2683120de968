package io.otpstream.e2e.delivery;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.otpstream.common.destination.SealedDestinations;
import io.otpstream.common.kafka.KafkaSettings;
import io.otpstream.common.secret.Secrets;
import io.otpstream.dispatcher.sms.SmsDispatcher;
import io.otpstream.dispatcher.sms.smpp.FakeSmsc;
import io.otpstream.dispatcher.sms.smpp.SmppProvider;
import io.otpstream.e2e.support.SharedKafka;
import io.otpstream.e2e.support.TopicReader;
import io.otpstream.schemas.common.Channel;
import io.otpstream.schemas.delivery.DeliveryRequested;
import io.otpstream.schemas.delivery.DeliveryState;
import io.otpstream.schemas.delivery.DeliveryStatus;
import io.otpstream.schemas.topics.TopicBootstrap;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A delivery receipt that the SMSC sends only after the dispatcher that sent the message has
 * stopped, to the dispatcher that took its place: it is matched, and the status reaches DELIVERED.
 */
class SmsReceiptAfterRestartTest {
  private static final String APP = "app-receipt-restart";

  private final List<AutoCloseable> running = new ArrayList<>();
  private FakeSmsc smsc;

  @AfterEach
  void stop() throws Exception {
    for (int i = running.size() - 1; i >= 0; i--) {
      running.get(i).close();
    }
    if (smsc != null) {
      smsc.close();
    }
  }

  @Test
  void a_receipt_that_comes_after_a_restart_marks_the_delivery_delivered() throws Exception {
    KafkaSettings kafka =
        KafkaSettings.of(SharedKafka.bootstrapServers())
            .withPrefix("receipt-restart-" + UUID.randomUUID().toString().substring(0, 8) + ".");
    try (Admin admin = Admin.create(kafka.clientProperties())) {
      TopicBootstrap.ensure(admin, kafka.topics(), (short) 1);
    }
    Secrets secrets = Secrets.fromBase64(Secrets.generate());
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    smsc = new FakeSmsc(port);
    smsc.holdReceipts = true;
    smsc.listen();

    SmsDispatcher before = dispatcher(kafka, secrets, port);
    DeliveryRequested d =
        DeliveryRequested.newBuilder()
            .setDeliveryId("ses_restart:0:sms")
            .setSessionId("ses_restart")
            .setSubjectId("sub_restart")
            .setAppId(APP)
            .setChannel(Channel.SMS)
            .setDestination(new SealedDestinations(secrets).seal(APP, "+33612340081"))
            .setGeneration(0)
            .setOtpLength(6)
            .setRequestedAt(Instant.now())
            .setExpiresAt(Instant.now().plus(Duration.ofMinutes(10)))
            .build();
    try (KafkaProducer<String, DeliveryRequested> producer =
        new KafkaProducer<>(
            kafka.clientProperties(),
            new StringSerializer(),
            kafka.topics().deliverySms.valueSerde().serializer())) {
      producer
          .send(new ProducerRecord<>(kafka.topics().deliverySms.name(), "sub_restart", d))
          .get();
    }
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> statuses(kafka),
            l -> l.stream().anyMatch(s -> s.getState() == DeliveryState.SENT));
    FakeSmsc.Submitted submitted = smsc.submits.peek();
    running.remove(before);
    before.close(); // unbinds: the receipt can only go to the next dispatcher

    dispatcher(kafka, secrets, port);
    smsc.releaseReceipts();

    List<DeliveryStatus> seen = DeliveredStatuses.awaitDelivered(() -> statuses(kafka));
    DeliveryStatus delivered = DeliveredStatuses.delivered(seen);
    assertEquals(submitted.id(), delivered.getProviderMessageId());
    assertEquals("ses_restart:0:sms", delivered.getDeliveryId());
    assertTrue(
        smsc.receiptAcks.contains(submitted.id() + ":0"), "acknowledged: " + smsc.receiptAcks);
  }

  private SmsDispatcher dispatcher(KafkaSettings kafka, Secrets secrets, int port)
      throws InterruptedException {
    SmppProvider smpp = FakeSmscLogin.bound(port);
    SmsDispatcher dispatcher = new SmsDispatcher(kafka, secrets, smpp, Clock.systemUTC());
    running.add(dispatcher);
    dispatcher.start();
    await().atMost(Duration.ofSeconds(60)).until(dispatcher::ready);
    return dispatcher;
  }

  private static List<DeliveryStatus> statuses(KafkaSettings kafka) {
    var statuses = kafka.topics().deliveryStatus;
    return TopicReader.readAll(SharedKafka.bootstrapServers(), statuses.name()).stream()
        .map(r -> statuses.valueSerde().deserializer().deserialize(r.topic(), r.value()))
        .filter(s -> s.getDeliveryId().equals("ses_restart:0:sms"))
        .toList();
  }
}
