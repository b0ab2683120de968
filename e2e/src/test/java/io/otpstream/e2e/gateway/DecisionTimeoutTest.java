package io.otpstream.e2e.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.otpstream.api.ApiServer;
import io.otpstream.api.apps.AppCatalog;
import io.otpstream.common.kafka.KafkaSettings;
import io.otpstream.common.secret.Secrets;
import io.otpstream.e2e.support.Http;
import io.otpstream.e2e.support.SharedKafka;
import io.otpstream.e2e.support.TopicReader;
import io.otpstream.schemas.apps.KeyMode;
import io.otpstream.schemas.topics.TopicBootstrap;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;

/** With no processor running, the api answers 503 with Retry-After instead of hanging, and keeps the command. */
class DecisionTimeoutTest {

  @Test
  void a_request_nobody_decides_gets_503_with_retry_after_and_the_command_is_kept() throws Exception {
    KafkaSettings kafka = KafkaSettings.of(SharedKafka.bootstrapServers()).withPrefix("timeout-" + UUID.randomUUID() + ".");
    try (Admin admin = Admin.create(kafka.clientProperties())) {
      TopicBootstrap.ensure(admin, kafka.topics(), (short) 1);
    }
    String key;
    try (AppCatalog catalog = new AppCatalog(kafka)) {
      catalog.putApp("app-timeout", "Timeout");
      key = catalog.createApiKey("app-timeout", KeyMode.LIVE);
    }
    try (ApiServer api = new ApiServer(new ApiServer.Config(kafka, "127.0.0.1", 0, 0, Duration.ofMillis(700), false, List.of()),
        new Secrets(Secrets.randomBytes(32)), () -> true).start()) {
      Http http = new Http("http://localhost:" + api.port());
      Http.Response r = http.postJson("/api/v1/otp/send", key,
          Map.of("channels", List.of("email"), "recipients", Map.of("email", "late@example.com")));
      assertEquals(503, r.status(), r.raw());
      assertEquals("1", r.header("Retry-After"));
      assertEquals(503, r.json().get("statusCode").asInt());
      assertEquals("Service Unavailable", r.json().get("error").asText());
    }
    assertEquals(1, TopicReader.readAll(SharedKafka.bootstrapServers(), kafka.topics().requests.name()).size(),
        "the accepted request stays on otp.requests, to be decided when the processor runs");
  }
}
