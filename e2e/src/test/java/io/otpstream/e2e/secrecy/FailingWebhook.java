package io.otpstream.e2e.secrecy;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.sun.net.httpserver.HttpServer;
import io.otpstream.e2e.support.Http;
import io.otpstream.e2e.support.TestPipeline;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;

/**
 * A webhook endpoint on 127.0.0.1 that answers 500 to everything, subscribed to every session event
 * of the pipeline's app: each event is posted, retried and dead-lettered, so the webhook topics are
 * written (and searched), and its secret is one more thing no topic or log may hold.
 */
final class FailingWebhook implements AutoCloseable {
  private final HttpServer server;
  private final Http http;
  private final Map<String, String> auth;
  private final String deliveries;
  final String secret;

  FailingWebhook(TestPipeline pipeline) throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/",
        exchange -> {
          exchange.getRequestBody().readAllBytes();
          exchange.sendResponseHeaders(500, -1);
          exchange.close();
        });
    server.start();
    http = new Http(pipeline.baseUrl());
    auth =
        Map.of(
            "Authorization",
            "Bearer " + pipeline.managementKey,
            "Content-Type",
            "application/json");
    String hooks = "/v2/apps/" + pipeline.appId + "/webhooks";
    Http.Response hook =
        http.post(
            hooks,
            auth,
            "{\"url\": \"http://127.0.0.1:"
                + server.getAddress().getPort()
                + "/hook\", \"event_types\": [\"sent\", \"delivered\", \"failed\","
                + " \"verified\", \"locked\", \"expired\"]}");
    assertEquals(201, hook.status(), hook.raw());
    secret = hook.json().get("secret").asText();
    deliveries = hooks + "/" + hook.json().get("id").asText() + "/deliveries";
  }

  /** Waits until a post has gone to the dead-letter topic after its last attempt. */
  void awaitDeadLetter() {
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> http.get(deliveries, auth).raw().contains("\"dead_lettered\""));
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
