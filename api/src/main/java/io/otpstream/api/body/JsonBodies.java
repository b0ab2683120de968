package io.otpstream.api.errors;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.type.LogicalType;
import io.javalin.http.Context;
import io.otpstream.common.json.Json;
import java.io.IOException;
import java.util.Locale;

/**
 * Reads a request's JSON body for the Prelude-style and ZAP families, turning every way it can be
 * wrong (no body, another Content-Type, malformed JSON, a field given twice, a field of the wrong
 * type, an unknown field when strict) into the family's 400 with a message naming what to fix.
 */
public final class JsonBodies {
  /** Our mapper, minus the coercions that would let {@code "name": 12} or {@code "is_default": "yes"} through. */
  private static final ObjectMapper TYPED = typed();

  private JsonBodies() {
  }

  private static ObjectMapper typed() {
    ObjectMapper m = Json.MAPPER.copy();
    m.coercionConfigFor(LogicalType.Textual).setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
        .setCoercion(CoercionInputShape.Float, CoercionAction.Fail).setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
    m.coercionConfigFor(LogicalType.Boolean).setCoercion(CoercionInputShape.String, CoercionAction.Fail)
        .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail);
    m.coercionConfigFor(LogicalType.Integer).setCoercion(CoercionInputShape.String, CoercionAction.Fail)
        .setCoercion(CoercionInputShape.Float, CoercionAction.Fail);
    return m;
  }

  /** The body as {@code type}; anything wrong with it is a 400 naming what to fix. */
  public static <T> T read(Context ctx, Class<T> type, boolean strict) {
    byte[] bytes = ctx.bodyAsBytes();
    requireJson(ctx);
    if (bytes.length == 0) {
      throw Refusal.badRequest("A JSON object body is required");
    }
    try {
      ObjectReader reader = TYPED.readerFor(type).with(JsonErrors.NO_DUPLICATES);
      T value = (strict ? reader.with(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES) : reader).readValue(bytes);
      if (value == null) {
        throw Refusal.badRequest("The body must be a JSON object");
      }
      return value;
    } catch (UnrecognizedPropertyException e) {
      throw Refusal.badRequest("Unknown field '" + e.getPropertyName() + "'");
    } catch (MismatchedInputException e) {
      String path = JsonErrors.path(e);
      throw Refusal.badRequest("body".equals(path) ? "The body must be a JSON object" : path + " has the wrong type");
    } catch (JsonProcessingException e) {
      throw Refusal.badRequest(JsonErrors.duplicate(e).orElse("The body is not valid JSON"));
    } catch (IOException e) {
      throw Refusal.badRequest("The body could not be read");
    }
  }

  /** A request with a body must say {@code Content-Type: application/json} (a charset parameter is fine). */
  public static void requireJson(Context ctx) {
    if (ctx.bodyAsBytes().length == 0 && ctx.header("Content-Type") == null) {
      return;
    }
    requireJsonType(ctx);
  }

  private static void requireJsonType(Context ctx) {
    String contentType = ctx.header("Content-Type");
    String mediaType = contentType == null ? "" : contentType.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
    if (!mediaType.equals("application/json")) {
      throw Refusal.badRequest("Content-Type must be application/json" + (contentType == null ? "" : ", not " + Echo.of(contentType, 60)));
    }
  }

}
