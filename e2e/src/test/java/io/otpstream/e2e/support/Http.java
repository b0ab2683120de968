package io.otpstream.e2e.support;

import com.fasterxml.jackson.databind.JsonNode;
import io.otpstream.common.json.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/** A small JSON-over-HTTP client for black-box tests of the api. */
public final class Http {
  private static final HttpClient CLIENT =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final String baseUrl;
  private final List<Response> answers = new CopyOnWriteArrayList<>();

  public Http(String baseUrl) {
    this.baseUrl = baseUrl;
  }

  /** Every response this client got, in order. */
  public List<Response> answers() {
    return List.copyOf(answers);
  }

  /** A response: status, headers and the body parsed as JSON (null when empty or not JSON). */
  public record Response(int status, java.net.http.HttpHeaders headers, String raw, JsonNode json) {
    public String header(String name) {
      return headers.firstValue(name).orElse(null);
    }
  }

  public Response post(String path, Map<String, String> headers, String body) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(baseUrl + path))
            .timeout(Duration.ofSeconds(30))
            .POST(HttpRequest.BodyPublishers.ofString(body == null ? "" : body));
    b.header("Content-Type", "application/json");
    headers.forEach(b::header);
    return send(b.build());
  }

  public Response postJson(String path, String apiKey, Object body) {
    try {
      return post(
          path,
          apiKey == null ? Map.of() : Map.of("X-API-Key", apiKey),
          Json.MAPPER.writeValueAsString(body));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  public Response put(String path, Map<String, String> headers, String body) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(baseUrl + path))
            .timeout(Duration.ofSeconds(30))
            .PUT(HttpRequest.BodyPublishers.ofString(body == null ? "" : body));
    b.header("Content-Type", "application/json");
    headers.forEach(b::header);
    return send(b.build());
  }

  public Response get(String path, Map<String, String> headers) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(Duration.ofSeconds(30)).GET();
    headers.forEach(b::header);
    return send(b.build());
  }

  /**
   * Any request, with exactly the headers given (no Content-Type added); {@code Host} may be set
   * (the test JVM allows it), which is how the session API finds its app.
   */
  public Response exchange(String method, String path, Map<String, String> headers, String body) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(baseUrl + path))
            .timeout(Duration.ofSeconds(30))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    headers.forEach(b::header);
    return send(b.build());
  }

  /** Like {@link #exchange} with raw bytes as the body. */
  public Response exchange(String method, String path, Map<String, String> headers, byte[] body) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(baseUrl + path))
            .timeout(Duration.ofSeconds(30))
            .method(method, HttpRequest.BodyPublishers.ofByteArray(body));
    headers.forEach(b::header);
    return send(b.build());
  }

  public Response get(String path) {
    return send(
        HttpRequest.newBuilder(URI.create(baseUrl + path))
            .timeout(Duration.ofSeconds(30))
            .GET()
            .build());
  }

  private Response send(HttpRequest request) {
    try {
      HttpResponse<String> r = CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
      JsonNode json = null;
      if (!r.body().isEmpty()) {
        try {
          json = Json.MAPPER.readTree(r.body());
        } catch (IOException e) {
          // not JSON: keep raw only
        }
      }
      Response response = new Response(r.statusCode(), r.headers(), r.body(), json);
      answers.add(response);
      return response;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
