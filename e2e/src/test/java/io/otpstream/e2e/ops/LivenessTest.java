package io.otpstream.e2e.ops;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.otpstream.common.outbox.Outbox;
import io.otpstream.dispatcher.email.EmailDispatcher;
import io.otpstream.dispatcher.provider.OutboxProvider;
import io.otpstream.e2e.support.Http;
import io.otpstream.e2e.support.TestPipeline;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Liveness fails when what a service cannot recover by itself has died: the api's reply consumer, a
 * dispatcher's worker thread, the processor's Streams client. Each is ended from outside here (a
 * thread interrupted as a crash would end it, the client closed) while the service's HTTP server
 * goes on answering.
 */
class LivenessTest {
  private SeparateServices services;

  @BeforeEach
  void start() throws Exception {
    Outbox outbox = TestPipeline.newOutbox();
    services =
        new SeparateServices("liveness", new OutboxProvider(outbox, "email", Clock.systemUTC()));
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> services.processor.ready() && services.dispatcher.ready());
  }

  @AfterEach
  void stop() {
    services.close();
  }

  private static void awaitStatus(String baseUrl, String path, int status, String check) {
    Http http = new Http(baseUrl);
    await()
        .dontCatchUncaughtExceptions()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(50))
        .until(() -> http.get(path).status() == status);
    Http.Response r = http.get(path);
    assertEquals(status == 200 ? "UP" : "DOWN", r.json().get("status").asText(), r.raw());
    assertEquals(
        status == 200 ? "UP" : "DOWN", r.json().get("checks").get(check).asText(), r.raw());
  }

  @Test
  void the_api_is_not_live_once_its_reply_consumer_thread_has_died() {
    awaitStatus(services.apiUrl(), "/health/live", 200, "reply_consumer");
    awaitStatus(services.apiUrl(), "/health/ready", 200, "reply_consumer");

    SeparateServices.thread("otp-api-replies-" + services.prefix + "0").interrupt();

    awaitStatus(services.apiUrl(), "/health/live", 503, "reply_consumer");
    awaitStatus(services.apiUrl(), "/health/ready", 503, "reply_consumer");
  }

  @Test
  void a_dispatcher_is_not_live_once_its_worker_thread_has_died() {
    awaitStatus(services.dispatcherUrl(), "/health/live", 200, "worker");
    awaitStatus(services.dispatcherUrl(), "/health/ready", 200, "consumer_joined");

    SeparateServices.thread("otp-dispatcher-" + services.prefix + EmailDispatcher.GROUP_ID)
        .interrupt();

    awaitStatus(services.dispatcherUrl(), "/health/live", 503, "worker");
    awaitStatus(services.dispatcherUrl(), "/health/ready", 503, "consumer_joined");
  }

  @Test
  void the_processor_is_not_live_once_its_streams_client_has_stopped() {
    awaitStatus(services.processorUrl(), "/health/live", 200, "streams");
    awaitStatus(services.processorUrl(), "/health/ready", 200, "streams_running");

    services.processor.close();

    awaitStatus(services.processorUrl(), "/health/live", 503, "streams");
    awaitStatus(services.processorUrl(), "/health/ready", 503, "streams_running");
  }
}
