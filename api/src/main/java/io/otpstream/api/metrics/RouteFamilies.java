package io.otpstream.api.metrics;

import java.util.List;
import java.util.Map;

/**
 * The API family of a route template, by its prefix: the {@code family} label of the HTTP meters.
 */
final class RouteFamilies {
  private RouteFamilies() {}

  /** Longest prefixes first: {@code /v1/session/} before {@code /v1/otp/}. */
  private static final List<Map.Entry<String, String>> PREFIXES =
      List.of(
          Map.entry("/api/v1/otp/", "sendmator"),
          Map.entry("/v1/session/", "session"),
          Map.entry("/v1/otp/", "zap"),
          Map.entry("/v2/", "management"),
          Map.entry("/health/", "ops"),
          Map.entry("/metrics", "ops"),
          Map.entry("/.well-known/", "docs"),
          Map.entry("/openapi.json", "docs"),
          Map.entry("/docs", "docs"),
          Map.entry("/dev/", "dev"));

  /** {@code route} is a route template as registered, or {@link HttpMetrics#UNMATCHED}. */
  static String of(String route) {
    for (Map.Entry<String, String> e : PREFIXES) {
      if (route.startsWith(e.getKey())) {
        return e.getValue();
      }
    }
    return "other";
  }
}
