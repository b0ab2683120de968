package io.otpstream.schemas.serde;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.common.errors.SerializationException;

/**
 * Gives each subject otpstream writes the BACKWARD compatibility rule, once per subject and
 * process, through the registry's Confluent-compatible API ({@code PUT
 * /apis/ccompat/v7/config/<subject>}, idempotent): readers of today's schema must read every later
 * version, so the registry refuses an incompatible one at its first write.
 */
final class CompatibilityRules {
  static final String LEVEL = "BACKWARD";

  private static final ObjectMapper JSON = new ObjectMapper();

  private final String root;
  private final Set<String> done = ConcurrentHashMap.newKeySet();
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  CompatibilityRules(String root) {
    this.root = root;
  }

  /** Sets the rule on {@code subject} unless this process did already. */
  void ensure(String subject) {
    if (done.contains(subject)) {
      return;
    }
    try {
      HttpRequest put =
          HttpRequest.newBuilder(
                  URI.create(
                      root
                          + "/apis/ccompat/v7/config/"
                          + URLEncoder.encode(subject, StandardCharsets.UTF_8)))
              .timeout(Duration.ofSeconds(10))
              .header("Content-Type", "application/vnd.schemaregistry.v1+json")
              .PUT(
                  HttpRequest.BodyPublishers.ofString(
                      JSON.writeValueAsString(Map.of("compatibility", LEVEL))))
              .build();
      HttpResponse<String> r = http.send(put, HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() / 100 != 2) {
        throw new SerializationException(
            "the schema registry at "
                + root
                + " refused the "
                + LEVEL
                + " rule on "
                + subject
                + ": HTTP "
                + r.statusCode()
                + " "
                + r.body());
      }
      done.add(subject);
    } catch (IOException e) {
      throw new SerializationException(
          "cannot reach the schema registry at " + root + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SerializationException("interrupted while setting the rule on " + subject, e);
    }
  }
}
