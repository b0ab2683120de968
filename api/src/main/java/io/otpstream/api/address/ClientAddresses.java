package io.otpstream.api.address;

import io.otpstream.common.secret.Secrets;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Client addresses as the limits and the audit see them. Per-IP limits count an address group: an
 * IPv4 address, or an IPv6 prefix (a /64 by default: one customer line or device usually holds a
 * whole /64 and can rotate through it at will). Topics carry only keyed hashes, per app: the
 * group's (the per-IP limit key) and the exact address's (for the audit), never the address, so the
 * audit finds an address's timeline by hashing it and a reader of the cluster learns nothing.
 */
public final class ClientAddresses {
  public static final int DEFAULT_IPV6_PREFIX = 64;
  public static final int MIN_IPV6_PREFIX = 32;
  private static final String OCTET = "(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)";
  private static final Pattern IPV4 = Pattern.compile("^" + OCTET + "(\\." + OCTET + "){3}$");
  private static final Pattern IPV6 = Pattern.compile("^[0-9A-Fa-f:.]{2,45}$");

  private final byte[] key;
  private final int ipv6Prefix;

  public ClientAddresses(Secrets secrets, int ipv6Prefix) {
    if (ipv6Prefix < MIN_IPV6_PREFIX || ipv6Prefix > 128) {
      throw new IllegalArgumentException(
          "the IPv6 prefix length must be between "
              + MIN_IPV6_PREFIX
              + " and 128, not "
              + ipv6Prefix);
    }
    this.key = secrets.derive("client-address");
    this.ipv6Prefix = ipv6Prefix;
  }

  /** What one request's source becomes in a command: both hashes. */
  public record Source(String addressId, String limitKey) {}

  /**
   * An IP address literal (IPv4 dotted quad, or IPv6 with or without brackets), never a host name:
   * nothing here looks anything up. IPv4-mapped IPv6 addresses read as IPv4.
   */
  public static Optional<InetAddress> parse(String literal) {
    if (literal == null) {
      return Optional.empty();
    }
    String s = literal.strip();
    if (s.startsWith("[") && s.endsWith("]")) {
      s = s.substring(1, s.length() - 1);
    }
    int zone = s.indexOf('%');
    if (zone > 0 && s.indexOf(':') >= 0) {
      s = s.substring(0, zone);
    }
    boolean v4 = IPV4.matcher(s).matches();
    boolean v6 = !v4 && s.indexOf(':') >= 0 && IPV6.matcher(s).matches();
    if (!v4 && !v6) {
      return Optional.empty(); // anything else could be a host name, which getByName would resolve
    }
    try {
      // brackets make the JDK parse an IPv6 literal or fail, never resolve a name
      InetAddress a = InetAddress.getByName(v6 ? "[" + s + "]" : s);
      return v4 && !(a instanceof Inet4Address) ? Optional.empty() : Optional.of(a);
    } catch (UnknownHostException e) {
      return Optional.empty();
    }
  }

  /** The group per-IP limits count {@code a} in: the address itself (IPv4) or its IPv6 prefix. */
  public String group(InetAddress a) {
    if (a instanceof Inet4Address) {
      return a.getHostAddress();
    }
    byte[] masked = a.getAddress().clone();
    for (int bit = ipv6Prefix; bit < masked.length * 8; bit++) {
      masked[bit / 8] &= (byte) ~(0x80 >>> (bit % 8));
    }
    try {
      return InetAddress.getByAddress(masked).getHostAddress() + "/" + ipv6Prefix;
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * The source of a peer address as the server reported it; one that does not parse is hashed as it
   * is.
   */
  public Source source(String appId, String literal) {
    return parse(literal)
        .map(a -> source(appId, a))
        .orElseGet(
            () -> {
              String raw = literal == null ? "" : literal;
              return new Source(
                  hash("ip_", appId, "address", raw), hash("ipk_", appId, "group", raw));
            });
  }

  public Source source(String appId, InetAddress a) {
    return new Source(
        hash("ip_", appId, "address", a.getHostAddress()), hash("ipk_", appId, "group", group(a)));
  }

  private String hash(String prefix, String appId, String kind, String value) {
    byte[] h =
        Secrets.hmac(
            key, (appId + "\u0000" + kind + "\u0000" + value).getBytes(StandardCharsets.UTF_8));
    return prefix + Base64.getUrlEncoder().withoutPadding().encodeToString(Arrays.copyOf(h, 18));
  }
}
