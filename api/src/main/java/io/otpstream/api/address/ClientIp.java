package io.otpstream.api.address;

import io.javalin.http.Context;
import io.otpstream.api.address.ClientAddresses.Source;
import io.otpstream.api.errors.Echo;
import io.otpstream.api.errors.Refusal;
import java.util.regex.Pattern;

/**
 * Where a request comes from, as per-IP limits count it and commands carry it (keyed hashes only,
 * see {@link ClientAddresses}). The connection's peer, or, behind a trusted proxy ({@code
 * OTP_TRUST_FORWARDED_FOR=true}), the last address of {@code X-Forwarded-For}: the one the proxy
 * appended. Earlier entries are the client's to write, so they are never trusted. On the server API
 * the caller is the app's backend, which may name the end user's address in {@value
 * #END_USER_HEADER}: that is the address counted, so one end user cannot use up the backend's
 * per-IP window for everyone.
 */
public final class ClientIp {
  /** The header an authenticated server-API caller names its end user's address in. */
  public static final String END_USER_HEADER = "X-End-User-IP";

  private static final Pattern ADDRESS = Pattern.compile("^[0-9A-Fa-f:.]{2,45}$");
  private final boolean trustForwardedFor;
  private final ClientAddresses addresses;

  public ClientIp(boolean trustForwardedFor, ClientAddresses addresses) {
    this.trustForwardedFor = trustForwardedFor;
    this.addresses = addresses;
  }

  /** The request's source for {@code appId}: its peer, or the trusted proxy's last hop. */
  public Source of(Context ctx, String appId) {
    return addresses.source(appId, peer(ctx));
  }

  /**
   * For the server API: the end user's address when the caller names it in {@value
   * #END_USER_HEADER} (an IPv4 or IPv6 literal; anything else is a 400), else the caller's own.
   */
  public Source endUser(Context ctx, String appId) {
    String named = ctx.header(END_USER_HEADER);
    if (named == null) {
      return of(ctx, appId);
    }
    return ClientAddresses.parse(named)
        .map(a -> addresses.source(appId, a))
        .orElseThrow(
            () ->
                Refusal.badRequest(
                    END_USER_HEADER
                        + " must be the end user's IPv4 or IPv6 address, not "
                        + Echo.of(named, 60)));
  }

  private String peer(Context ctx) {
    if (trustForwardedFor) {
      String forwarded = ctx.header("X-Forwarded-For");
      if (forwarded != null) {
        String[] hops = forwarded.split(",");
        String last =
            hops.length == 0 ? "" : hops[hops.length - 1].strip(); // ",,," splits into nothing
        if (ADDRESS.matcher(last).matches()) {
          return last;
        }
      }
    }
    return ctx.ip();
  }
}
