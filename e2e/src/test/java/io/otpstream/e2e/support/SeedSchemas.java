package io.otpstream.e2e.support;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.dialect.Dialect;
import com.networknt.schema.dialect.Dialects;
import com.networknt.schema.keyword.NonValidationKeyword;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A vendor's OpenAPI 3.1 document (one of the YAML files under {@code src/test/resources/seeds/})
 * used to check that our HTTP responses, and the requests we send, have the shape the vendor
 * documents.
 *
 * <p>Schemas are validated with a real JSON Schema validator (networknt json-schema-validator) in
 * OpenAPI 3.1's default dialect, which is draft 2020-12 plus the OAS base vocabulary. The whole
 * OpenAPI document is registered as one schema resource, and an operation's schema is loaded by
 * JSON pointer inside it, so {@code $ref: '#/components/schemas/...'} resolves anywhere (also
 * inside {@code oneOf}/{@code anyOf}/{@code properties}). The vendor's schemas are taken as they
 * are: they do not set {@code additionalProperties: false}, so extra fields such as our {@code
 * message} are allowed.
 *
 * <p>Operations are named by their OpenAPI path ({@code /v1/session/otp}, or a concrete path
 * matching a templated one such as {@code /v1/things/{id}}) and HTTP method (any case). Responses
 * are looked up by exact status first, then the range key ({@code 4XX}), then {@code default}, as
 * OpenAPI specifies. Asking about an operation the document does not have is a bug in the test and
 * throws {@link IllegalArgumentException}; a response that does not match is reported as messages.
 */
public final class SeedSchemas {
  private static final ObjectMapper YAML = new YAMLMapper();
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String JSON_MEDIA = "application/json";

  /**
   * OpenAPI 3.1's default schema dialect (JSON Schema draft 2020-12 plus the OAS base vocabulary:
   * discriminator, example, externalDocs, xml). The document's own top-level fields are declared as
   * non-validating keywords because the whole document is registered as the schema resource that
   * $refs resolve in.
   */
  private static final Dialect DIALECT =
      Dialect.builder(Dialects.getOpenApi31())
          .keywords(
              Stream.of(
                      "openapi",
                      "info",
                      "jsonSchemaDialect",
                      "servers",
                      "paths",
                      "webhooks",
                      "components",
                      "security",
                      "tags",
                      "externalDocs")
                  .map(NonValidationKeyword::new)
                  .toList())
          .build();

  private static final Set<String> METHODS =
      Set.of("get", "put", "post", "delete", "options", "head", "patch", "trace");

  private final String resource;
  private final JsonNode doc;
  private final String baseIri;
  private final SchemaRegistry registry;
  private final Map<String, Schema> compiled = new ConcurrentHashMap<>();

  private SeedSchemas(String resource, JsonNode doc) {
    this.resource = resource;
    this.doc = doc;
    // A made-up, never-fetched IRI under which the registry knows the document; $refs resolve
    // against it.
    this.baseIri = "https://seeds.otpstream.invalid/" + resource;
    String json;
    try {
      json = JSON.writeValueAsString(doc);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
    this.registry =
        SchemaRegistry.withDefaultDialect(DIALECT, b -> b.schemas(Map.of(baseIri, json)));
  }

  /**
   * Loads an OpenAPI 3.1 YAML document from the test classpath, e.g. {@code
   * "seeds/prelude-otp-retry.yaml"} (a leading slash is allowed).
   */
  public static SeedSchemas load(String resource) {
    String name = resource.startsWith("/") ? resource.substring(1) : resource;
    try (InputStream in = SeedSchemas.class.getClassLoader().getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalArgumentException("no such classpath resource: " + name);
      }
      JsonNode doc = YAML.readTree(in);
      if (doc == null || !doc.isObject() || !doc.path("openapi").asText().startsWith("3.1")) {
        throw new IllegalArgumentException(name + " is not an OpenAPI 3.1 document");
      }
      if (!doc.path("paths").isObject()) {
        throw new IllegalArgumentException(name + " has no paths");
      }
      return new SeedSchemas(name, doc);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + name, e);
    }
  }

  /** The classpath resource this was loaded from. */
  public String resource() {
    return resource;
  }

  /**
   * The explicit numeric statuses the operation declares (range keys like {@code 4XX} and {@code
   * default} are left out).
   */
  public Set<Integer> statuses(String path, String method) {
    Op op = operation(path, method);
    Set<Integer> out = new TreeSet<>();
    for (Iterator<String> it = op.node.path("responses").fieldNames(); it.hasNext(); ) {
      String key = it.next();
      if (key.matches("\\d{3}")) {
        out.add(Integer.parseInt(key));
      }
    }
    return out;
  }

  /**
   * Whether the document declares a response for this status of this operation (exactly, by range
   * key or by {@code default}); false also when the document has no such operation.
   */
  public boolean declares(String path, String method, int status) {
    Op op = findOperation(path, method);
    return op != null && responseKey(op, status) != null;
  }

  /**
   * Validates a response body against the documented response of the operation for that status.
   * Returns the validation messages, empty when the body is valid. A status the operation does not
   * declare is a message; a status declared without content (e.g. 204) requires an empty body.
   */
  public List<String> validate(String path, String method, int status, String jsonBody) {
    Op op = operation(path, method);
    String where = op.method.toUpperCase(Locale.ROOT) + " " + op.pathKey + " " + status + ": ";
    String statusKey = responseKey(op, status);
    if (statusKey == null) {
      return List.of(
          where
              + "status "
              + status
              + " is not declared (declared: "
              + fieldNames(op.node.path("responses"))
              + ")");
    }
    JsonNode response = op.node.path("responses").path(statusKey);
    String pointer =
        "/paths/" + escape(op.pathKey) + "/" + op.method + "/responses/" + escape(statusKey);
    if (response.has("$ref")) {
      // Not used by the seeds; follow a #/components/responses/... reference once.
      pointer = localPointer(response.get("$ref").asText());
      response = doc.at(pointer);
    }
    return check(where, pointer, response, jsonBody, true);
  }

  /**
   * Validates a request body against the operation's {@code requestBody} schema. Returns the
   * validation messages, empty when the body is valid. An operation without a request body requires
   * an empty body.
   */
  public List<String> validateRequest(String path, String method, String jsonBody) {
    Op op = operation(path, method);
    String where = op.method.toUpperCase(Locale.ROOT) + " " + op.pathKey + " request: ";
    JsonNode requestBody = op.node.path("requestBody");
    String pointer = "/paths/" + escape(op.pathKey) + "/" + op.method + "/requestBody";
    if (requestBody.has("$ref")) {
      pointer = localPointer(requestBody.get("$ref").asText());
      requestBody = doc.at(pointer);
    }
    return check(
        where, pointer, requestBody, jsonBody, requestBody.path("required").asBoolean(false));
  }

  // -- internals
  // -------------------------------------------------------------------------------------------------

  /**
   * Checks {@code body} against {@code holder} (a response or requestBody object found at {@code
   * pointer}).
   */
  private List<String> check(
      String where, String pointer, JsonNode holder, String body, boolean bodyRequired) {
    boolean empty = body == null || body.isBlank();
    JsonNode content = holder.path("content");
    if (!content.isObject() || content.size() == 0) {
      return empty
          ? List.of()
          : List.of(where + "declares no content, but got a body: " + abbreviate(body));
    }
    String mediaKey = null;
    for (Iterator<String> it = content.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      if (key.equals(JSON_MEDIA) || (mediaKey == null && key.startsWith(JSON_MEDIA + ";"))) {
        mediaKey = key;
      }
    }
    if (mediaKey == null) {
      return List.of(
          where + "declares no " + JSON_MEDIA + " content (declares: " + fieldNames(content) + ")");
    }
    if (empty) {
      return bodyRequired
          ? List.of(where + "expected an " + JSON_MEDIA + " body, got an empty body")
          : List.of();
    }
    JsonNode instance;
    try {
      instance = JSON.readTree(body);
    } catch (JsonProcessingException e) {
      return List.of(
          where + "body is not valid JSON: " + e.getOriginalMessage() + " in " + abbreviate(body));
    }
    if (!content.path(mediaKey).has("schema")) {
      return List.of(); // any JSON is allowed
    }
    String schemaPointer = pointer + "/content/" + escape(mediaKey) + "/schema";
    Schema schema =
        compiled.computeIfAbsent(
            schemaPointer, p -> registry.getSchema(SchemaLocation.of(baseIri + "#" + p)));
    List<String> out = new ArrayList<>();
    for (Error error : schema.validate(instance)) {
      String at = error.getInstanceLocation().toString();
      out.add(
          where
              + (at.isEmpty() ? "(root)" : at)
              + ": "
              + error.getMessage()
              + " ["
              + error.getKeyword()
              + "]");
    }
    return out;
  }

  private record Op(String pathKey, String method, JsonNode node) {}

  private Op operation(String path, String method) {
    Op op = findOperation(path, method);
    if (op == null) {
      throw new IllegalArgumentException(
          resource
              + " has no operation "
              + method
              + " "
              + path
              + " (paths: "
              + fieldNames(doc.path("paths"))
              + ")");
    }
    return op;
  }

  private Op findOperation(String path, String method) {
    String m = method.toLowerCase(Locale.ROOT);
    if (!METHODS.contains(m)) {
      throw new IllegalArgumentException("not an HTTP method: " + method);
    }
    JsonNode paths = doc.path("paths");
    String pathKey = null;
    if (paths.has(path)) {
      pathKey = path;
    } else {
      for (Iterator<String> it = paths.fieldNames(); it.hasNext(); ) {
        String key = it.next();
        if (key.contains("{") && templatePattern(key).matcher(path).matches()) {
          pathKey = key;
          break;
        }
      }
    }
    if (pathKey == null || !paths.path(pathKey).path(m).isObject()) {
      return null;
    }
    return new Op(pathKey, m, paths.path(pathKey).path(m));
  }

  private static Pattern templatePattern(String template) {
    StringBuilder re = new StringBuilder();
    for (String part : template.split("\\{[^/}]+}", -1)) {
      if (re.length() > 0) {
        re.append("[^/]+");
      }
      re.append(Pattern.quote(part));
    }
    return Pattern.compile(re.toString());
  }

  /**
   * The responses key that covers the status: exact, then range ({@code 4XX}), then {@code
   * default}.
   */
  private static String responseKey(Op op, int status) {
    JsonNode responses = op.node.path("responses");
    String exact = Integer.toString(status);
    if (responses.has(exact)) {
      return exact;
    }
    String range = (status / 100) + "XX";
    for (Iterator<String> it = responses.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      if (key.equalsIgnoreCase(range)) {
        return key;
      }
    }
    return responses.has("default") ? "default" : null;
  }

  /** The JSON pointer of a local {@code $ref} ({@code #/components/...}), checked to resolve. */
  private String localPointer(String ref) {
    if (!ref.startsWith("#/")) {
      throw new IllegalArgumentException(
          resource + ": only local $refs are supported here, got " + ref);
    }
    String pointer = ref.substring(1);
    if (doc.at(pointer).isMissingNode()) {
      throw new IllegalArgumentException(resource + ": unresolved $ref " + ref);
    }
    return pointer;
  }

  /** JSON pointer escaping of one reference token (RFC 6901). */
  private static String escape(String token) {
    return token.replace("~", "~0").replace("/", "~1");
  }

  private static List<String> fieldNames(JsonNode node) {
    List<String> names = new ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }

  private static String abbreviate(String s) {
    return s.length() <= 200 ? s : s.substring(0, 200) + "...";
  }
}
