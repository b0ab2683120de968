package io.otpstream.api.body;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.type.LogicalType;
import io.javalin.http.Context;
import io.otpstream.api.errors.Echo;
import io.otpstream.api.errors.Refusal;
import io.otpstream.common.json.Json;
import java.io.IOException;
import java.util.Locale;

/**
 * Reads a request's JSON body, turning every way it can be wrong (no body, another Content-Type
 * where one is required, malformed JSON, a field given twice, a field of the wrong type, an unknown
 * field when strict) into a 400 with a message naming what to fix, in the words of the API that
 * reads it. {@link #PRELUDE} serves the session, management and ZAP APIs.
 */
public final class JsonBodies {
  /**
   * Our mapper, minus the coercions that would let {@code "name": 12} or {@code "is_default":
   * "yes"} through.
   */
  private static final ObjectMapper TYPED = typed();

  /**
   * The Prelude-style APIs and ZAP: typed fields, and a body must say {@code Content-Type:
   * application/json}.
   */
  public static final JsonBodies PRELUDE =
      new JsonBodies(
          TYPED,
          true,
          new Words(
              "A JSON object body is required",
              "The body must be a JSON object",
              "Unknown field",
              "The body is not valid JSON",
              "The body could not be read",
              true));

  /**
   * What an API says about a faulty body.
   *
   * @param unknownField said before the quoted name of a field a strict read does not know
   * @param rootIsNotAnObject whether a body of the wrong JSON type reads as {@code notAnObject}
   *     (else "body has the wrong type")
   */
  public record Words(
      String required,
      String notAnObject,
      String unknownField,
      String notJson,
      String unreadable,
      boolean rootIsNotAnObject) {}

  /**
   * What every API says about a body nested deeper than the parser allows (Jackson's {@link
   * StreamReadConstraints} default, 1000 levels): refused while reading, before any stack is spent.
   */
  static final String TOO_DEEP =
      "The body is nested deeper than "
          + StreamReadConstraints.DEFAULT_MAX_DEPTH
          + " levels of objects and arrays";

  private final ObjectMapper mapper;
  private final boolean jsonContentType;
  private final Words words;

  /**
   * @param jsonContentType whether a request with a body must say {@code Content-Type:
   *     application/json}
   */
  public JsonBodies(ObjectMapper mapper, boolean jsonContentType, Words words) {
    this.mapper = mapper;
    this.jsonContentType = jsonContentType;
    this.words = words;
  }

  private static ObjectMapper typed() {
    ObjectMapper m = Json.MAPPER.copy();
    m.coercionConfigFor(LogicalType.Textual)
        .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
        .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
        .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
    m.coercionConfigFor(LogicalType.Boolean)
        .setCoercion(CoercionInputShape.String, CoercionAction.Fail)
        .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail);
    m.coercionConfigFor(LogicalType.Integer)
        .setCoercion(CoercionInputShape.String, CoercionAction.Fail)
        .setCoercion(CoercionInputShape.Float, CoercionAction.Fail);
    return m;
  }

  /** The body as {@code type} for the Prelude-style APIs and ZAP. */
  public static <T> T read(Context ctx, Class<T> type, boolean strict) {
    return PRELUDE.parse(ctx, type, strict);
  }

  /** The body as {@code type}; {@code strict} refuses fields {@code type} does not have. */
  public <T> T parse(Context ctx, Class<T> type, boolean strict) {
    byte[] bytes = ctx.bodyAsBytes();
    if (jsonContentType) {
      requireJson(ctx, bytes);
    }
    if (bytes.length == 0) {
      throw Refusal.badRequest(words.required());
    }
    try {
      ObjectReader reader = mapper.readerFor(type).with(JsonErrors.NO_DUPLICATES);
      T value =
          (strict ? reader.with(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES) : reader)
              .readValue(bytes);
      if (value == null) {
        throw Refusal.badRequest(words.notAnObject());
      }
      return value;
    } catch (UnrecognizedPropertyException e) {
      throw Refusal.badRequest(words.unknownField() + " '" + e.getPropertyName() + "'");
    } catch (MismatchedInputException e) {
      String path = JsonErrors.path(e);
      throw Refusal.badRequest(
          "body".equals(path) && words.rootIsNotAnObject()
              ? words.notAnObject()
              : path + " has the wrong type");
    } catch (JsonProcessingException e) {
      if (tooDeep(e)) {
        throw Refusal.badRequest(TOO_DEEP);
      }
      throw Refusal.badRequest(JsonErrors.duplicate(e).orElse(words.notJson()));
    } catch (IOException e) {
      throw Refusal.badRequest(words.unreadable());
    }
  }

  /** Did the parser stop at its nesting limit (whether or not databind wrapped the error)? */
  private static boolean tooDeep(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof StreamConstraintsException
          && t.getMessage() != null
          && t.getMessage().contains("nesting depth")) {
        return true;
      }
    }
    return false;
  }

  /**
   * A request with a body must say {@code Content-Type: application/json} (a charset parameter is
   * fine).
   */
  private static void requireJson(Context ctx, byte[] bytes) {
    String contentType = ctx.header("Content-Type");
    if (bytes.length == 0 && contentType == null) {
      return;
    }
    String mediaType =
        contentType == null ? "" : contentType.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
    if (!mediaType.equals("application/json")) {
      throw Refusal.badRequest(
          "Content-Type must be application/json"
              + (contentType == null ? "" : ", not " + Echo.of(contentType, 60)));
    }
  }
}
