package io.otpstream.common.webhook;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;

/**
 * Which URLs a webhook may be posted to (no SSRF): https (http too when private targets are
 * allowed), no user info, and a host whose every address is public: not loopback, any-local
 * (0.0.0.0, ::), link-local (169.254.0.0/16, the cloud metadata address among them; fe80::/10),
 * private (RFC 1918), unique-local (fc00::/7), shared (100.64.0.0/10), multicast or broadcast.
 * Checked when a subscription is made and again before every post, so a name that later resolves to
 * an inner address (DNS rebinding) is refused then. Dev mode allows private targets.
 */
public final class WebhookUrls {
  private static final int MAX_LENGTH = 2000;

  private WebhookUrls() {}

  /**
   * The URL, checked and resolved.
   *
   * @throws IllegalArgumentException with a message for the app when it is refused
   */
  public static URI check(String url, boolean allowPrivate) {
    URI uri = parse(url, allowPrivate);
    if (!allowPrivate) {
      for (InetAddress a : resolve(uri.getHost())) {
        if (!isPublic(a)) {
          throw new IllegalArgumentException(
              "url host "
                  + uri.getHost()
                  + " resolves to "
                  + a.getHostAddress()
                  + ", a loopback, link-local, private or multicast address: webhooks only go to"
                  + " public addresses");
        }
      }
    }
    return uri;
  }

  private static URI parse(String url, boolean allowPrivate) {
    if (url == null || url.isBlank() || url.length() > MAX_LENGTH) {
      throw new IllegalArgumentException("url must be an https URL of at most 2000 characters");
    }
    URI uri;
    try {
      uri = new URI(url.strip());
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("url is not a valid URL");
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("https") && !(allowPrivate && scheme.equals("http"))) {
      throw new IllegalArgumentException(
          allowPrivate ? "url must be http or https" : "url must be https");
    }
    if (uri.getHost() == null || uri.getHost().isBlank()) {
      throw new IllegalArgumentException("url must name a host");
    }
    if (uri.getRawUserInfo() != null) {
      throw new IllegalArgumentException("url must not carry a user name or password");
    }
    if (uri.getRawFragment() != null) {
      throw new IllegalArgumentException("url must not have a fragment");
    }
    return uri;
  }

  private static List<InetAddress> resolve(String host) {
    String h =
        host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    try {
      return List.of(InetAddress.getAllByName(h));
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("url host " + host + " does not resolve");
    }
  }

  /** Is this an address a webhook may go to? */
  public static boolean isPublic(InetAddress a) {
    if (a.isLoopbackAddress()
        || a.isAnyLocalAddress()
        || a.isLinkLocalAddress()
        || a.isSiteLocalAddress()
        || a.isMulticastAddress()) {
      return false;
    }
    byte[] b = a.getAddress();
    if (a instanceof Inet4Address) {
      int first = b[0] & 0xff;
      int second = b[1] & 0xff;
      return first != 0 // 0.0.0.0/8
          && !(first == 100 && second >= 64 && second < 128) // shared 100.64.0.0/10
          && !(first == 192 && second == 0 && (b[2] & 0xff) == 0) // 192.0.0.0/24
          && !(first == 198 && (second == 18 || second == 19)) // benchmarking
          && first < 240; // reserved and broadcast
    }
    if (a instanceof Inet6Address) {
      int first = b[0] & 0xff;
      if ((first & 0xfe) == 0xfc) { // unique-local fc00::/7
        return false;
      }
      if (isMappedOrCompatible(b)) { // ::ffff:a.b.c.d written out as IPv6
        try {
          return isPublic(InetAddress.getByAddress(new byte[] {b[12], b[13], b[14], b[15]}));
        } catch (UnknownHostException e) {
          return false;
        }
      }
    }
    return true;
  }

  private static boolean isMappedOrCompatible(byte[] b) {
    for (int i = 0; i < 10; i++) {
      if (b[i] != 0) {
        return false;
      }
    }
    return (b[10] == (byte) 0xff && b[11] == (byte) 0xff) || (b[10] == 0 && b[11] == 0);
  }
}
