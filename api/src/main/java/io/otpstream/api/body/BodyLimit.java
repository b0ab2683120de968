package io.otpstream.api.body;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.Header;
import io.javalin.http.HttpResponseException;
import io.javalin.http.HttpStatus;
import jakarta.servlet.ServletInputStream;
import java.io.IOException;
import java.util.function.Predicate;
import org.eclipse.jetty.http.BadMessageException;

/**
 * A request body's size: a body declared over {@link #MAX_BYTES} is refused before it is read (and
 * before any {@code 100 Continue}), and whatever body an answer left unread is read and dropped
 * before the answer goes out (at once where the route ignores the body).
 *
 * <p>The second half keeps refusals answerable. A refusal that does not read the body (over the
 * cap, a bad key, an unknown app) leaves the rest of it on the connection; Jetty then closes the
 * connection after answering, and a client still writing its body gets a reset that can wipe out
 * the answer it had not yet read, or reuses the closed connection for its next request: either way
 * it sees no answer at all (RFC 9112 §9.6). Reading the body, up to {@link #DRAIN_BYTES}, lets the
 * connection carry the next request. A client that asked {@code Expect: 100-continue} has not sent
 * the body, so there is nothing to read; a body larger than that bound is not worth the bytes, and
 * its connection is closed as before.
 */
public final class BodyLimit {
  public static final long MAX_BYTES = 64 * 1024;

  /** Up to this much of a body an answer left unread is read and dropped. */
  public static final long DRAIN_BYTES = 1024 * 1024;

  private final Predicate<String> ignoresBody;

  /**
   * @param ignoresBody the paths that take a body of any size and read none of it
   */
  public BodyLimit(Predicate<String> ignoresBody) {
    this.ignoresBody = ignoresBody;
  }

  public void register(RoutesConfig routes) {
    routes.before(this::refuseDeclaredOverCap);
    routes.after(BodyLimit::drain);
  }

  private void refuseDeclaredOverCap(Context ctx) {
    if (ignoresBody.test(ctx.path())) {
      drain(ctx); // now, while it is fresh: read later, after a slow answer, it would look slow
    } else if (ctx.req().getContentLengthLong() > MAX_BYTES) {
      throw new HttpResponseException(HttpStatus.CONTENT_TOO_LARGE.getCode(), tooLarge());
    }
  }

  public static String tooLarge() {
    return "The request body is larger than " + MAX_BYTES / 1024 + " KiB";
  }

  private static void drain(Context ctx) {
    long declared = ctx.req().getContentLengthLong();
    if (declared == 0 || declared > DRAIN_BYTES || ctx.header(Header.EXPECT) != null) {
      return;
    }
    try {
      ServletInputStream body = ctx.req().getInputStream();
      if (body.isFinished()) {
        return; // read to its end by the handler
      }
      long left = DRAIN_BYTES;
      while (left > 0) {
        long skipped = body.skip(left);
        if (skipped <= 0) {
          return;
        }
        left -= skipped;
      }
    } catch (IOException | BadMessageException | IllegalStateException e) {
      // a client gone or too slow (Jetty's 408), or a body read as a reader: the answer stands,
      // and the connection closes as before
    }
  }
}
