package io.otpstream.launcher.dev;

import io.javalin.config.RoutesConfig;
import io.otpstream.common.outbox.Outbox;
import io.otpstream.common.outbox.OutboxMessage;
import java.util.List;

/** The dev outbox pages: {@code GET /dev/outbox} (HTML, refreshes itself) and {@code GET /dev/outbox.json}, newest first. */
public final class OutboxRoutes {
  private OutboxRoutes() {
  }

  public static void register(RoutesConfig routes, Outbox outbox) {
    routes.get("/dev/outbox.json", ctx -> ctx.json(outbox.list()));
    routes.get("/dev/outbox", ctx -> ctx.html(page(outbox.list())));
  }

  static String page(List<OutboxMessage> messages) {
    StringBuilder b = new StringBuilder("""
        <!doctype html><html><head><meta charset="utf-8"><meta http-equiv="refresh" content="3">
        <title>otpstream outbox</title><style>
        body{font-family:system-ui,sans-serif;margin:2rem;background:#f4f5f7}
        .m{background:#fff;border-radius:10px;padding:1rem 1.2rem;margin:0 0 1rem;max-width:40rem;box-shadow:0 1px 3px #0002}
        .h{color:#555;font-size:.85rem} .sms{border-left:6px solid #2e7d32} .email{border-left:6px solid #1565c0}
        pre{white-space:pre-wrap;font-size:1rem;margin:.5rem 0 0}
        </style></head><body><h1>Outbox</h1>
        <p class="h">Messages the local outbox providers delivered, newest first. This page refreshes every 3 seconds.
        JSON: <a href="/dev/outbox.json">/dev/outbox.json</a></p>
        """);
    if (messages.isEmpty()) {
      b.append("<p>No messages yet. Send one with <code>POST /api/v1/otp/send</code>.</p>");
    }
    for (OutboxMessage m : messages) {
      b.append("<div class=\"m ").append(esc(m.channel())).append("\"><div class=\"h\">")
          .append(esc(m.channel())).append(" to <b>").append(esc(m.to())).append("</b> at ").append(esc(String.valueOf(m.sentAt())))
          .append(" &middot; session ").append(esc(m.sessionId())).append("</div>");
      if (m.subject() != null) {
        b.append("<div><b>").append(esc(m.subject())).append("</b></div>");
      }
      b.append("<pre>").append(esc(m.body())).append("</pre></div>");
    }
    return b.append("</body></html>").toString();
  }

  private static String esc(String s) {
    return s == null ? "" : s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }
}
