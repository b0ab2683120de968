package io.otpstream.api.gateway;

import io.javalin.http.Context;
import java.util.regex.Pattern;

/**
 * The client IP that per-IP limits count: the connection's peer, or, behind a trusted proxy
 * ({@code OTP_TRUST_FORWARDED_FOR=true}), the last address of {@code X-Forwarded-For}: the one
 * the proxy appended. Earlier entries are the client's to write, so they are never trusted.
 */
public final class ClientIp {
  private static final Pattern ADDRESS = Pattern.compile("^[0-9A-Fa-f:.]{2,45}$");
  private final boolean trustForwardedFor;

  public ClientIp(boolean trustForwardedFor) {
    this.trustForwardedFor = trustForwardedFor;
  }

  public String of(Context ctx) {
    if (trustForwardedFor) {
      String forwarded = ctx.header("X-Forwarded-For");
      if (forwarded != null) {
        String[] hops = forwarded.split(",");
        String last = hops.length == 0 ? "" : hops[hops.length - 1].strip(); // ",,," splits into nothing
        if (ADDRESS.matcher(last).matches()) {
          return last;
        }
      }
    }
    return ctx.ip();
  }
}
