package io.otpstream.bench.load;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;

/**
 * The load generator's HTTP client: the JDK's {@link HttpClient} (HTTP/1.1, keep-alive, as many
 * connections as requests in flight), shared by every target so each is measured with the same
 * client. Every request carries a timeout, so an operation always completes.
 */
public final class Http {
  /** How long one request may wait for its answer before it counts as a timeout. */
  public static final Duration TIMEOUT = Duration.ofSeconds(15);

  private final HttpClient client =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .executor(
              Executors.newFixedThreadPool(
                  4,
                  r -> {
                    Thread t = new Thread(r, "load-http");
                    t.setDaemon(true);
                    return t;
                  }))
          .build();

  /** POSTs {@code json} to {@code url} with {@code headers}; the answer's body as a string. */
  public CompletableFuture<HttpResponse<String>> post(
      String url, Map<String, String> headers, String json) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(url))
            .timeout(TIMEOUT)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json));
    headers.forEach(b::header);
    return client.sendAsync(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** GETs {@code url}; the answer's body as a string. */
  public CompletableFuture<HttpResponse<String>> get(String url) {
    return client.sendAsync(
        HttpRequest.newBuilder(URI.create(url)).timeout(TIMEOUT).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
