package io.otpstream.e2e.session;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import io.otpstream.api.ApiServer;
import io.otpstream.common.outbox.Outbox;
import io.otpstream.common.outbox.OutboxMessage;
import io.otpstream.e2e.support.Http;
import io.otpstream.e2e.support.TestPipeline;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two api instances on one pipeline: a DPoP proof accepted by one is refused by the other ({@code
 * invalid_dpop_proof}), as it would be by the first; the {@code jti}s used are shared, not each
 * instance's own.
 */
class DpopAcrossInstancesTest {
  private static final Pattern CODE = Pattern.compile("(\\d{6})");

  private static Outbox outbox;
  private static TestPipeline pipeline;
  private static ApiServer secondApi;
  private static Http first;
  private static Http second;
  private static String host;

  @BeforeAll
  static void start() throws Exception {
    outbox = TestPipeline.newOutbox();
    pipeline = TestPipeline.start("dpop", outbox);
    secondApi =
        new ApiServer(
                new ApiServer.Config(
                    pipeline.kafka, "127.0.0.1", 0, 1, Duration.ofSeconds(15), true, List.of()),
                pipeline.secrets,
                () -> true)
            .start();
    first = new Http(pipeline.baseUrl());
    second = new Http("http://localhost:" + secondApi.port());
    host = pipeline.appId + ".localhost";
  }

  @AfterAll
  static void stop() {
    if (secondApi != null) {
      secondApi.close();
    }
    if (pipeline != null) {
      pipeline.close();
    }
  }

  @Test
  void a_dpop_proof_used_on_one_api_is_refused_by_another() throws Exception {
    ECKey clientKey = new ECKeyGenerator(Curve.P_256).generate();
    String path = "/v1/session/login/otp/check";
    String proof = SessionApiTest.proof(clientKey, "POST", "https://" + host + path, Instant.now());

    String phone = "+33612345501";
    Map<String, String> checkOnFirst = login(first, phone);
    checkOnFirst.put("DPoP", proof);
    Http.Response checked =
        first.exchange("POST", path, checkOnFirst, "{\"code\": \"" + codeFor(phone) + "\"}");
    assertEquals(200, checked.status(), checked.raw());

    String phone2 = "+33612345502";
    Map<String, String> replayed = login(second, phone2);
    replayed.put("DPoP", proof);
    Http.Response refused =
        second.exchange("POST", path, replayed, "{\"code\": \"" + codeFor(phone2) + "\"}");
    SessionApiTest.assertError(refused, 400, "invalid_dpop_proof", "bad_request");
    assertTrue(refused.json().get("message").asText().contains("already used"), refused.raw());

    Map<String, String> fresh = new LinkedHashMap<>(replayed);
    fresh.put(
        "DPoP", SessionApiTest.proof(clientKey, "POST", "https://" + host + path, Instant.now()));
    Http.Response accepted =
        second.exchange("POST", path, fresh, "{\"code\": \"" + codeFor(phone2) + "\"}");
    assertEquals(200, accepted.status(), "a new proof is accepted there: " + accepted.raw());
  }

  /** Starts a login on {@code api}; the headers of its check (Host, JSON, the cookie). */
  private static Map<String, String> login(Http api, String phone) {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Host", host);
    headers.put("Content-Type", "application/json");
    Http.Response started =
        api.exchange(
            "POST",
            "/v1/session/login/otp",
            headers,
            SessionApiTest.identifier("phone_number", phone));
    assertEquals(204, started.status(), started.raw());
    headers.put("Cookie", SessionApiTest.cookie(started));
    return headers;
  }

  private static String codeFor(String to) {
    List<OutboxMessage> messages =
        await()
            .atMost(Duration.ofSeconds(30))
            .until(
                () -> outbox.list().stream().filter(m -> m.to().equals(to)).toList(),
                l -> !l.isEmpty());
    Matcher m = CODE.matcher(messages.get(0).body());
    assertTrue(m.find(), "no code in the message");
    return m.group(1);
  }
}
