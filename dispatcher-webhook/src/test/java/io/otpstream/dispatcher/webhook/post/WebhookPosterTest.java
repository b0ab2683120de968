package io.otpstream.dispatcher.webhook.post;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The URL is checked again before every post: an inner address gets nothing. */
class WebhookPosterTest {
  @Test
  void a_host_resolving_inward_at_delivery_time_is_refused_without_a_request() throws Exception {
    AtomicInteger requests = new AtomicInteger();
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/",
        exchange -> {
          requests.incrementAndGet();
          exchange.sendResponseHeaders(204, -1);
          exchange.close();
        });
    server.start();
    try {
      int port = server.getAddress().getPort();
      WebhookPoster strict = new WebhookPoster(Duration.ofSeconds(2), false, Clock.systemUTC());
      for (String url :
          new String[] {"https://localhost:" + port + "/h", "https://127.0.0.1:" + port + "/h"}) {
        WebhookPoster.Result r =
            strict.post(url, "msg_1", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "{}");
        assertTrue(r.refused(), url);
        assertFalse(r.delivered());
        assertNull(r.status());
      }
      assertTrue(requests.get() == 0, "no request reached the inner address");

      WebhookPoster dev = new WebhookPoster(Duration.ofSeconds(2), true, Clock.systemUTC());
      assertTrue(
          dev.post(
                  "http://127.0.0.1:" + port + "/h",
                  "msg_1",
                  "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
                  "{}")
              .delivered());
    } finally {
      server.stop(0);
    }
  }
}
