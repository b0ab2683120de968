package io.otpstream.dispatcher.sms.smpp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.otpstream.dispatcher.provider.DeliveryException;
import io.otpstream.dispatcher.provider.OutgoingMessage;
import io.otpstream.dispatcher.provider.ReceiptListener;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jsmpp.SMPPConstant;
import org.jsmpp.bean.BindType;
import org.jsmpp.bean.NumberingPlanIndicator;
import org.jsmpp.bean.OptionalParameter;
import org.jsmpp.bean.SubmitSm;
import org.jsmpp.bean.TypeOfNumber;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link SmppProvider} against a real SMPP peer: jSMPP's server side, in this JVM, on a free port.
 */
@Timeout(30)
class SmppProviderTest {
  private static final Duration WAIT = Duration.ofSeconds(5);
  private static final String CODE = "493817";

  private FakeSmsc smsc;
  private final List<SmppProvider> providers = new ArrayList<>();
  private final BlockingQueue<Got> receipts = new LinkedBlockingQueue<>();

  record Got(String id, boolean delivered, String stat, String err) {}

  @BeforeEach
  void startSmsc() throws IOException {
    smsc = new FakeSmsc(freePort());
    smsc.listen();
  }

  @AfterEach
  void stop() {
    providers.forEach(SmppProvider::close);
    smsc.close();
  }

  // (a) bind as a transceiver, then submit_sm with the right addresses and the exact text
  @Test
  void binds_and_submits() throws Exception {
    SmppProvider provider = provider(30_000, 2_000);
    FakeSmsc.BindSeen bind = smsc.binds.poll(5, TimeUnit.SECONDS);
    assertNotNull(bind, "the SMSC saw no bind");
    assertEquals(new FakeSmsc.BindSeen(BindType.BIND_TRX, "otp-esme", "s3cret", "OTP"), bind);

    String text = "Your otpstream code is " + CODE + ". It expires in 5 minutes.";
    String id = provider.send(message("+4915112345678", null, text)).messageId();

    FakeSmsc.Submitted got = smsc.submits.poll(5, TimeUnit.SECONDS);
    assertNotNull(got, "the SMSC received no submit_sm");
    SubmitSm sm = got.sm();
    assertEquals("4915112345678", sm.getDestAddress());
    assertEquals(TypeOfNumber.INTERNATIONAL.value(), sm.getDestAddrTon());
    assertEquals(NumberingPlanIndicator.ISDN.value(), sm.getDestAddrNpi());
    assertEquals("OTPSTREAM", sm.getSourceAddr(), "the default sender when the message names none");
    assertEquals(TypeOfNumber.ALPHANUMERIC.value(), sm.getSourceAddrTon());
    assertEquals(0x00, sm.getDataCoding(), "GSM 7-bit default alphabet");
    assertEquals(text, new String(sm.getShortMessage(), StandardCharsets.US_ASCII));
    assertEquals(SMPPConstant.REGDEL_SMSC_SUCCESS_FAILURE_REQUESTED, sm.getRegisteredDelivery());
    assertNotNull(got.id());
    assertEquals(got.id(), id, "send returns the SMSC's message id");

    // a numeric sender is an international number; an alphanumeric one keeps its TON
    String second =
        provider.send(message("+33612345678", "+15550001234", "code " + CODE)).messageId();
    SubmitSm numeric = smsc.submits.poll(5, TimeUnit.SECONDS).sm();
    assertEquals("15550001234", numeric.getSourceAddr());
    assertEquals(TypeOfNumber.INTERNATIONAL.value(), numeric.getSourceAddrTon());
    assertEquals(NumberingPlanIndicator.ISDN.value(), numeric.getSourceAddrNpi());
    assertEquals("33612345678", numeric.getDestAddress());
    assertNotEquals(id, second);
    provider.send(message("+33612345678", "ACME", "code " + CODE));
    SubmitSm alpha = smsc.submits.poll(5, TimeUnit.SECONDS).sm();
    assertEquals("ACME", alpha.getSourceAddr());
    assertEquals(TypeOfNumber.ALPHANUMERIC.value(), alpha.getSourceAddrTon());

    assertEquals(0, smsc.enquireLinks.get(), "no enquire_link with a 30 s interval");
    assertEquals(1, smsc.bindCount.get(), "one session for all the sends");
  }

  @Test
  void encodes_gsm_extension_characters_ucs2_and_long_texts() throws Exception {
    SmppProvider provider = provider(30_000, 2_000);

    provider.send(message("+4915112345678", null, "Code " + CODE + " @\u00a3$_\u20ac{}"));
    SubmitSm gsm = smsc.submits.poll(5, TimeUnit.SECONDS).sm();
    assertEquals(0x00, gsm.getDataCoding());
    byte[] expected =
        concat(
            ("Code " + CODE + " ").getBytes(StandardCharsets.US_ASCII),
            new byte[] {0x00, 0x01, 0x02, 0x11, 0x1B, 0x65, 0x1B, 0x28, 0x1B, 0x29});
    assertArrayEquals(expected, gsm.getShortMessage());

    String cyrillic = "\u041a\u043e\u0434 " + CODE;
    provider.send(message("+4915112345678", null, cyrillic));
    SubmitSm ucs2 = smsc.submits.poll(5, TimeUnit.SECONDS).sm();
    assertEquals(0x08, ucs2.getDataCoding(), "UCS2 when the text is not in the GSM alphabet");
    assertEquals(cyrillic, new String(ucs2.getShortMessage(), StandardCharsets.UTF_16BE));

    String longText = "a".repeat(200) + CODE;
    provider.send(message("+4915112345678", null, longText));
    SubmitSm payload = smsc.submits.poll(5, TimeUnit.SECONDS).sm();
    assertEquals(
        0, payload.getShortMessage().length, "longer than one SMS: message_payload instead");
    OptionalParameter.OctetString tlv =
        (OptionalParameter.OctetString)
            payload.getOptionalParameter(OptionalParameter.Tag.MESSAGE_PAYLOAD);
    assertNotNull(tlv);
    assertEquals(longText, new String(tlv.getValue(), StandardCharsets.US_ASCII));
  }

  // (b) the SMSC's delivery receipt comes back to the listener, with the id send returned
  @Test
  void delivery_receipt_reaches_the_listener() throws Exception {
    SmppProvider provider = provider(30_000, 2_000);
    smsc.receiptStates.put("4917000000099", new String[] {"UNDELIV", "011"});

    String id = provider.send(message("+4915112345678", null, "code " + CODE)).messageId();
    Got got = receipts.poll(5, TimeUnit.SECONDS);
    assertNotNull(got, "no receipt reached the listener");
    assertEquals(new Got(id, true, "DELIVRD", "000"), got);
    assertEquals(id + ":0", smsc.receiptAcks.poll(5, TimeUnit.SECONDS), "deliver_sm_resp ESME_ROK");

    String failed = provider.send(message("+4917000000099", null, "code " + CODE)).messageId();
    Got undelivered = receipts.poll(5, TimeUnit.SECONDS);
    assertEquals(new Got(failed, false, "UNDELIV", "011"), undelivered);
    assertEquals(failed + ":0", smsc.receiptAcks.poll(5, TimeUnit.SECONDS));
  }

  @Test
  void a_failing_listener_makes_the_smsc_resend_the_receipt_later() throws Exception {
    AtomicBoolean fail = new AtomicBoolean(true);
    SmppProvider provider =
        provider(
            30_000,
            2_000,
            (id, ok, stat, err) -> {
              if (fail.get()) {
                throw new IllegalStateException("dispatcher not ready");
              }
              receipts.add(new Got(id, ok, stat, err));
            });
    String id = provider.send(message("+4915112345678", null, "code " + CODE)).messageId();
    assertEquals(
        id + ":" + SMPPConstant.STAT_ESME_RX_T_APPN, smsc.receiptAcks.poll(5, TimeUnit.SECONDS));
    assertNull(receipts.poll());
  }

  @Test
  void a_receipt_before_any_listener_is_given_is_asked_again_later() throws Exception {
    SmppProvider provider =
        new SmppProvider(
            new SmppSettings(
                "127.0.0.1",
                smsc.port,
                "otp-esme",
                "s3cret",
                "OTP",
                "OTPSTREAM",
                30_000,
                2_000,
                50,
                200));
    providers.add(provider);
    assertTrue(provider.awaitBound(WAIT), "the provider did not bind");
    String id = provider.send(message("+4915112345678", null, "code " + CODE)).messageId();
    assertEquals(
        id + ":" + SMPPConstant.STAT_ESME_RX_T_APPN, smsc.receiptAcks.poll(5, TimeUnit.SECONDS));
  }

  // (c) refusals: permanent ones are not retried, throttling and system errors are
  @Test
  void maps_smsc_refusals() throws Exception {
    SmppProvider provider = provider(30_000, 2_000);
    smsc.refusals.put("4917000000011", SMPPConstant.STAT_ESME_RINVDSTADR);
    smsc.refusals.put("4917000000012", SMPPConstant.STAT_ESME_RTHROTTLED);
    smsc.refusals.put("4917000000013", SMPPConstant.STAT_ESME_RSYSERR);
    smsc.refusals.put("4917000000014", SMPPConstant.STAT_ESME_RINVMSGLEN);

    DeliveryException bad =
        assertThrows(
            DeliveryException.class,
            () -> provider.send(message("+4917000000011", null, "code " + CODE)));
    assertTrue(bad.permanent());
    assertTrue(bad.getMessage().contains("ESME_RINVDSTADR"), bad.getMessage());
    assertNoCode(bad);

    DeliveryException throttled =
        assertThrows(
            DeliveryException.class,
            () -> provider.send(message("+4917000000012", null, "code " + CODE)));
    assertFalse(throttled.permanent());
    assertTrue(throttled.getMessage().contains("ESME_RTHROTTLED"), throttled.getMessage());
    assertNoCode(throttled);

    assertFalse(
        assertThrows(
                DeliveryException.class,
                () -> provider.send(message("+4917000000013", null, "code " + CODE)))
            .permanent());
    assertTrue(
        assertThrows(
                DeliveryException.class,
                () -> provider.send(message("+4917000000014", null, "code " + CODE)))
            .permanent());
    assertEquals(4, smsc.submits.size(), "every refusal came from the SMSC");

    DeliveryException notE164 =
        assertThrows(
            DeliveryException.class,
            () -> provider.send(message("0171 1234", null, "code " + CODE)));
    assertTrue(notE164.permanent());
    assertEquals(4, smsc.submits.size(), "an invalid destination is refused before the SMSC");
  }

  @Test
  void no_response_is_transient() throws Exception {
    SmppProvider provider = provider(30_000, 300);
    CountDownLatch release = new CountDownLatch(1);
    smsc.holds.put("4917000000020", release);
    try {
      DeliveryException slow =
          assertThrows(
              DeliveryException.class,
              () -> provider.send(message("+4917000000020", null, "code " + CODE)));
      assertFalse(slow.permanent());
      assertTrue(slow.getMessage().contains("no submit_sm_resp"), slow.getMessage());
      assertNoCode(slow);
    } finally {
      release.countDown();
    }
  }

  // (d) the SMSC drops the session: sends fail fast and transient, and the provider binds again by
  // itself
  @Test
  void rebinds_after_the_smsc_drops_the_session() throws Exception {
    SmppProvider provider = provider(30_000, 2_000);
    String before = provider.send(message("+4915112345678", null, "code " + CODE)).messageId();
    assertNotNull(before);
    assertEquals(1, smsc.bindCount.get());

    smsc.stopListening();
    smsc.dropSessions();
    assertTrue(provider.awaitUnbound(WAIT), "the provider did not notice the lost session");
    assertFalse(provider.isBound());
    DeliveryException unbound =
        assertThrows(
            DeliveryException.class,
            () -> provider.send(message("+4915112345678", null, "code " + CODE)));
    assertFalse(unbound.permanent());
    assertEquals("SMSC not bound", unbound.getMessage());

    smsc.listen(); // the same port
    assertTrue(provider.awaitBound(WAIT), "the provider did not bind again");
    assertEquals(2, smsc.bindCount.get(), "a second bind, on a new connection");
    smsc.submits.clear();
    String after = provider.send(message("+4915112345678", null, "code " + CODE)).messageId();
    FakeSmsc.Submitted got = smsc.submits.poll(5, TimeUnit.SECONDS);
    assertNotNull(got);
    assertEquals(got.id(), after);
    assertNotEquals(before, after);
  }

  @Test
  void keeps_trying_until_the_smsc_is_up() throws Exception {
    smsc.stopListening();
    SmppProvider provider =
        new SmppProvider(
            new SmppSettings(
                "127.0.0.1",
                smsc.port,
                "otp-esme",
                "s3cret",
                "OTP",
                "OTPSTREAM",
                30_000,
                2_000,
                50,
                200));
    provider.receiptsTo((id, ok, stat, err) -> receipts.add(new Got(id, ok, stat, err)));
    providers.add(provider);
    assertFalse(provider.awaitBound(Duration.ofMillis(300)), "bound with nothing listening");
    DeliveryException down =
        assertThrows(
            DeliveryException.class,
            () -> provider.send(message("+4915112345678", null, "code " + CODE)));
    assertFalse(down.permanent());
    assertEquals(0, smsc.bindCount.get());

    smsc.listen();
    assertTrue(provider.awaitBound(WAIT), "the provider did not bind once the SMSC was up");
    assertNotNull(provider.send(message("+4915112345678", null, "code " + CODE)));
    assertEquals(1, smsc.bindCount.get());
  }

  // (e) enquire_link at the configured interval
  @Test
  void sends_enquire_link() throws Exception {
    provider(200, 2_000);
    assertTrue(smsc.firstEnquireLink.await(3, TimeUnit.SECONDS), "the SMSC saw no enquire_link");
  }

  @Test
  void settings_from_environment() {
    SmppSettings s =
        SmppSettings.fromEnv(
            Map.of(
                "OTP_SMPP_HOST",
                "smsc.example",
                "OTP_SMPP_SYSTEM_ID",
                "esme",
                "OTP_SMPP_PASSWORD",
                "hunter2"));
    assertEquals(
        new SmppSettings(
            "smsc.example", 2775, "esme", "hunter2", "", null, 30_000, 5_000, 1_000, 30_000),
        s);
    assertFalse(s.toString().contains("hunter2"), s.toString());
    SmppSettings all =
        SmppSettings.fromEnv(
            Map.of(
                "OTP_SMPP_HOST",
                "h",
                "OTP_SMPP_SYSTEM_ID",
                "id",
                "OTP_SMPP_PORT",
                "2776",
                "OTP_SMPP_SYSTEM_TYPE",
                "OTP",
                "OTP_SMPP_SOURCE_ADDR",
                "ACME",
                "OTP_SMPP_ENQUIRE_LINK_MS",
                "10000",
                "OTP_SMPP_TIMEOUT_MS",
                "2000"));
    assertEquals(
        new SmppSettings("h", 2776, "id", "", "OTP", "ACME", 10_000, 2_000, 1_000, 30_000), all);
    assertThrows(
        IllegalArgumentException.class,
        () -> SmppSettings.fromEnv(Map.of("OTP_SMPP_SYSTEM_ID", "id")));
  }

  private SmppProvider provider(int enquireLinkMs, int timeoutMs) throws InterruptedException {
    return provider(
        enquireLinkMs, timeoutMs, (id, ok, stat, err) -> receipts.add(new Got(id, ok, stat, err)));
  }

  private SmppProvider provider(int enquireLinkMs, int timeoutMs, ReceiptListener listener)
      throws InterruptedException {
    SmppSettings settings =
        new SmppSettings(
            "127.0.0.1",
            smsc.port,
            "otp-esme",
            "s3cret",
            "OTP",
            "OTPSTREAM",
            enquireLinkMs,
            timeoutMs,
            50,
            200);
    SmppProvider provider = new SmppProvider(settings);
    provider.receiptsTo(listener);
    providers.add(provider);
    assertTrue(provider.awaitBound(WAIT), "the provider did not bind");
    return provider;
  }

  private static OutgoingMessage message(String to, String sender, String text) {
    return new OutgoingMessage("delivery-1", "session-1", to, sender, null, text, null);
  }

  private static void assertNoCode(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      assertFalse(String.valueOf(t.getMessage()).contains(CODE), "the code leaked into: " + t);
    }
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = new byte[a.length + b.length];
    System.arraycopy(a, 0, out, 0, a.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
