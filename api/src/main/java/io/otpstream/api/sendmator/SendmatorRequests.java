package io.otpstream.api.sendmator;

import io.javalin.http.Context;
import io.otpstream.api.body.JsonBodies;
import io.otpstream.api.errors.Refusal;
import io.otpstream.common.json.Json;
import io.otpstream.schemas.common.Channel;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads the Sendmator family's request bodies and fields, each fault a 400 in seed 003's shape
 * naming the field.
 */
final class SendmatorRequests {
  /**
   * The server API reads with our mapper as it is (scalars coerced) and checks no Content-Type, in
   * seed 003's words.
   */
  private static final JsonBodies BODIES =
      new JsonBodies(
          Json.MAPPER,
          false,
          new JsonBodies.Words(
              "Request body is required (JSON)",
              "Request body must be a JSON object",
              "Unknown field",
              "Request body is not valid JSON",
              "Request body could not be read",
              false));

  private SendmatorRequests() {}

  static <T> T body(Context ctx, Class<T> type) {
    return BODIES.parse(ctx, type, false);
  }

  static List<Channel> channels(List<String> names) {
    if (names == null || names.isEmpty()) {
      throw Refusal.badRequest("channels is required: [\"sms\"], [\"email\"] or both");
    }
    Set<Channel> out = new LinkedHashSet<>();
    for (String n : names) {
      out.add(channel(n, "channels"));
    }
    return List.copyOf(out);
  }

  /** The channels a token names (signed by us), skipping any this version does not know. */
  static List<Channel> tokenChannels(List<String> names) {
    return names.stream()
        .filter(n -> "sms".equals(n) || "email".equals(n))
        .map(n -> channel(n, "token"))
        .toList();
  }

  static Channel channel(String name, String field) {
    if ("sms".equalsIgnoreCase(name)) {
      return Channel.SMS;
    }
    if ("email".equalsIgnoreCase(name)) {
      return Channel.EMAIL;
    }
    throw Refusal.badRequest(field + " accepts \"sms\" and \"email\" only");
  }

  static Integer inRange(Integer v, int min, int max, String field) {
    if (v != null && (v < min || v > max)) {
      throw Refusal.badRequest(field + " must be between " + min + " and " + max);
    }
    return v;
  }

  static Map<String, String> metadata(Map<String, Object> in) {
    if (in == null) {
      return Map.of();
    }
    if (in.size() > 20) {
      throw Refusal.badRequest("metadata accepts at most 20 keys");
    }
    Map<String, String> out = new LinkedHashMap<>();
    in.forEach(
        (k, v) -> {
          String s = v == null ? "" : v.toString();
          if (k.length() > 64 || s.length() > 500) {
            throw Refusal.badRequest(
                "metadata keys are at most 64 and values at most 500 characters");
          }
          out.put(k, s);
        });
    return out;
  }
}
