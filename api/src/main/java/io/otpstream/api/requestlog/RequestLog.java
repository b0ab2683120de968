package io.otpstream.api.requestlog;

import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.router.Endpoint;
import java.util.UUID;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The request id and the access log. Every request gets an id, the client's {@code X-Request-Id}
 * when it is a plain token (letters, digits, {@code . _ : -}, up to 64) or a fresh one, returned as
 * {@code X-Request-Id} on every answer, errors included. Every line logged while a handler runs
 * carries it in the MDC ({@code request_id}), with the session's id once the request names one
 * ({@code session_id}). One access line per request: method, route template (never the path's
 * values nor the query string), status, duration and the ids; never a body, a cookie or a header.
 */
public final class RequestLog {
  public static final String HEADER = "X-Request-Id";
  public static final String REQUEST_ID = "request_id";
  public static final String SESSION_ID = "session_id";
  private static final Pattern VALID = Pattern.compile("[A-Za-z0-9._:\\-]{1,64}");
  private static final Logger access = LoggerFactory.getLogger("io.otpstream.api.access");

  private RequestLog() {}

  /**
   * Installs the id (first of the before-handlers), the MDC around every handler, the access log.
   */
  public static void install(JavalinConfig cfg) {
    cfg.routes.before(RequestLog::begin);
    cfg.router.handlerWrapper(endpoint -> ctx -> withIds(ctx, endpoint));
    cfg.requestLogger.http(RequestLog::logged);
  }

  /** The request's id: the client's valid {@code X-Request-Id}, else a fresh one. */
  public static String id(Context ctx) {
    String id = ctx.attribute(REQUEST_ID);
    if (id == null) {
      String incoming = ctx.header(HEADER);
      id =
          incoming != null && VALID.matcher(incoming).matches()
              ? incoming
              : "req_" + UUID.randomUUID().toString().replace("-", "");
      ctx.attribute(REQUEST_ID, id);
    }
    return id;
  }

  /** The session this request is about, from now on in its log lines. */
  public static void session(Context ctx, String sessionId) {
    ctx.attribute(SESSION_ID, sessionId);
    if (sessionId != null && id(ctx).equals(MDC.get(REQUEST_ID))) {
      MDC.put(SESSION_ID, sessionId); // within this request's ids, which restore the MDC
    }
  }

  /**
   * The request's ids in the MDC until closed (for code that logs outside a handler, such as an
   * exception handler or a future's continuation on another thread).
   */
  public static Ids ids(Context ctx) {
    String before = MDC.get(REQUEST_ID);
    String sessionBefore = MDC.get(SESSION_ID);
    MDC.put(REQUEST_ID, id(ctx));
    String session = ctx.attribute(SESSION_ID);
    if (session != null) {
      MDC.put(SESSION_ID, session);
    }
    return () -> {
      restore(REQUEST_ID, before);
      restore(SESSION_ID, sessionBefore);
    };
  }

  /** The MDC entries {@link #ids} put, removed on close. */
  public interface Ids extends AutoCloseable {
    @Override
    void close();
  }

  private static void begin(Context ctx) {
    ctx.header(HEADER, id(ctx));
  }

  private static void withIds(Context ctx, Endpoint endpoint) throws Exception {
    try (Ids ids = ids(ctx)) {
      endpoint.handler.handle(ctx);
    }
  }

  private static void logged(Context ctx, Float ms) {
    Endpoint matched = ctx.endpoints().matchedHttpEndpoint();
    String route = matched == null ? "(unmatched)" : matched.path;
    int status = ctx.statusCode();
    long millis = ms == null ? -1 : Math.round(ms);
    try (Ids ids = ids(ctx)) {
      access
          .atInfo()
          .addKeyValue("method", ctx.method().name())
          .addKeyValue("route", route)
          .addKeyValue("status", status)
          .addKeyValue("duration_ms", millis)
          .log("{} {} {} {} ms", ctx.method().name(), route, status, millis);
    }
  }

  private static void restore(String key, String value) {
    if (value == null) {
      MDC.remove(key);
    } else {
      MDC.put(key, value);
    }
  }
}
