package io.otpstream.dispatcher.sms.http;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import io.otpstream.common.json.Json;
import io.otpstream.dispatcher.provider.DeliveryException;
import io.otpstream.dispatcher.provider.DeliveryProvider;
import io.otpstream.dispatcher.provider.OutgoingMessage;
import io.otpstream.dispatcher.provider.Sent;
import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Sends SMS through a generic HTTP API: one {@code POST} of a JSON body rendered from {@link
 * HttpSmsSettings#bodyTemplate()}, with the configured auth header.
 *
 * <p>Placeholders ({@code {{to}}}, {@code {{from}}}, {@code {{text}}}, {@code {{message_id}}}) are
 * replaced in one pass by the JSON-escaped content of the value (no quotes added), so they belong
 * inside a JSON string in the template; a value containing a placeholder is not expanded again. A
 * null value (e.g. no sender, leaving it to the provider's default) renders as the empty string.
 * {@code {{message_id}}} is the delivery id, the same on every retry of a delivery, so the API can
 * drop duplicates. The constructor renders the template with awkward sample values (quotes,
 * backslashes, newlines) and refuses it unless the result is one JSON value; unknown placeholders
 * are refused too.
 *
 * <p>Outcomes: a 2xx is sent, with the id read from {@link HttpSmsSettings#messageIdField()} of the
 * JSON response (a field name, or a JSON pointer when it starts with {@code /}; null when absent or
 * the body is not JSON: the API accepted the message, so it is not failed). 408, 429 and 5xx,
 * failures to connect, timeouts and other I/O errors are transient (a {@code Retry-After} is not
 * honoured: the dispatcher's backoff decides). Every other status (other 4xx, and 1xx/3xx, as
 * redirects are not followed) is permanent. Exception messages name the status or the error, never
 * the body sent (it holds the code), the response body, or the URL (its query may hold a key).
 */
public final class HttpSmsProvider implements DeliveryProvider {
  private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{\\s*([A-Za-z0-9_]+)\\s*}}");
  private static final Set<String> KNOWN = Set.of("to", "from", "text", "message_id");
  private static final ObjectReader STRICT =
      Json.MAPPER.reader().with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private final HttpSmsSettings settings;
  private final String name;
  private final HttpClient client;
  private final JsonPointer idPointer;

  public HttpSmsProvider(HttpSmsSettings settings) {
    this(settings, "http");
  }

  /**
   * With another name, e.g. {@code http-backup} when both the primary and the fallback are HTTP
   * APIs.
   */
  public HttpSmsProvider(HttpSmsSettings settings, String name) {
    this.settings = settings;
    this.name = name;
    validateTemplate(settings.bodyTemplate());
    String field = settings.messageIdField();
    this.idPointer =
        field.startsWith("/")
            ? JsonPointer.compile(field)
            : JsonPointer.compile("/" + escapePointer(field));
    if (settings.authHeaderName() != null) {
      try {
        HttpRequest.newBuilder(settings.url())
            .header(settings.authHeaderName(), settings.authHeaderValue());
      } catch (IllegalArgumentException e) {
        // restricted (Host, Content-Length, ...) or invalid; not the JDK's message, which may quote
        // the value
        throw new IllegalArgumentException(
            "HTTP SMS auth header '"
                + settings.authHeaderName()
                + "' cannot be sent by the HTTP client");
      }
    }
    this.client =
        HttpClient.newBuilder()
            .connectTimeout(settings.timeout())
            .followRedirects(HttpClient.Redirect.NEVER)
            // HTTP/2 by ALPN over TLS; plain http stays on HTTP/1.1 (no h2c upgrade dance with a
            // body)
            .version(
                "https".equalsIgnoreCase(settings.url().getScheme())
                    ? HttpClient.Version.HTTP_2
                    : HttpClient.Version.HTTP_1_1)
            .build();
  }

  @Override
  public String name() {
    return name;
  }

  public HttpSmsSettings settings() {
    return settings;
  }

  @Override
  public Sent send(OutgoingMessage m) throws DeliveryException {
    String body = render(settings.bodyTemplate(), m.to(), m.sender(), m.text(), m.deliveryId());
    HttpRequest.Builder request =
        HttpRequest.newBuilder(settings.url())
            .timeout(settings.timeout())
            .header("Content-Type", "application/json")
            .header("Accept", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    if (settings.authHeaderName() != null) {
      request.header(settings.authHeaderName(), settings.authHeaderValue());
    }
    CompletableFuture<HttpResponse<byte[]>> future =
        client.sendAsync(
            request.build(),
            info ->
                info.statusCode() / 100 == 2
                    ? HttpResponse.BodySubscribers.ofByteArray()
                    : HttpResponse.BodySubscribers.replacing(null));
    HttpResponse<byte[]> response;
    try {
      // the request timeout covers the wait for the response headers; this also bounds the body
      response = future.get(settings.timeout().toMillis() + 100, TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      future.cancel(true);
      throw timedOut(e);
    } catch (InterruptedException e) {
      future.cancel(true);
      Thread.currentThread().interrupt();
      throw new DeliveryException(name + ": interrupted while sending", false, e);
    } catch (ExecutionException e) {
      throw failure(e.getCause() == null ? e : e.getCause());
    }
    int status = response.statusCode();
    if (status / 100 == 2) {
      return new Sent(name, messageId(response.body()));
    }
    boolean transientStatus = status == 408 || status == 429 || status / 100 == 5;
    throw new DeliveryException(name + ": status " + status, !transientStatus, null);
  }

  private DeliveryException timedOut(Exception e) {
    return new DeliveryException(
        name + ": no response within " + settings.timeout().toMillis() + " ms", false, e);
  }

  private DeliveryException failure(Throwable t) {
    if (t instanceof HttpConnectTimeoutException e) {
      return new DeliveryException(
          name + ": connect timed out after " + settings.timeout().toMillis() + " ms", false, e);
    }
    if (t instanceof HttpTimeoutException e) {
      return timedOut(e);
    }
    if (t instanceof ConnectException e) {
      return new DeliveryException(
          name + ": cannot connect (" + e.getClass().getSimpleName() + ")", false, e);
    }
    if (t instanceof IOException e) {
      return new DeliveryException(
          name + ": i/o error (" + e.getClass().getSimpleName() + ": " + e.getMessage() + ")",
          false,
          e);
    }
    return new DeliveryException(name + ": unexpected " + t.getClass().getSimpleName(), false, t);
  }

  private String messageId(byte[] body) {
    if (body == null || body.length == 0) {
      return null;
    }
    try {
      JsonNode id = Json.MAPPER.readTree(body).at(idPointer);
      return id.isValueNode() && !id.isNull() ? id.asText() : null;
    } catch (IOException e) {
      return null; // accepted all the same: failing it would send the code twice
    }
  }

  static String render(String template, String to, String from, String text, String messageId) {
    Matcher m = PLACEHOLDER.matcher(template);
    StringBuilder out = new StringBuilder(template.length() + 64);
    while (m.find()) {
      String value =
          switch (m.group(1)) {
            case "to" -> to;
            case "from" -> from;
            case "text" -> text;
            case "message_id" -> messageId;
            default ->
                throw new IllegalStateException("unknown placeholder"); // refused at construction
          };
      m.appendReplacement(out, "");
      if (value != null) {
        JsonStringEncoder.getInstance().quoteAsString(value, out);
      }
    }
    m.appendTail(out);
    return out.toString();
  }

  static void validateTemplate(String template) {
    Matcher m = PLACEHOLDER.matcher(template);
    while (m.find()) {
      if (!KNOWN.contains(m.group(1))) {
        throw new IllegalArgumentException(
            "HTTP SMS body template: unknown placeholder {{"
                + m.group(1)
                + "}} (known: to, from, text, message_id)");
      }
    }
    String sample = "a \"quoted\" \\ value\nwith a newline, a tab\t and {{to}}";
    try {
      STRICT.readTree(render(template, sample, sample, sample, sample));
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(
          "HTTP SMS body template is not valid JSON once filled in"
              + " (placeholders belong inside JSON strings, e.g. \"text\":\"{{text}}\"): "
              + e.getOriginalMessage(),
          e);
    }
  }

  private static String escapePointer(String field) {
    return field.replace("~", "~0").replace("/", "~1");
  }
}
