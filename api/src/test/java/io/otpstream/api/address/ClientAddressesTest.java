package io.otpstream.api.address;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.otpstream.api.address.ClientAddresses.Source;
import io.otpstream.common.secret.Secrets;
import java.net.InetAddress;
import org.junit.jupiter.api.Test;

/** Client addresses as per-IP limits count them: IPv4 alone, IPv6 by prefix, per app, hashed. */
class ClientAddressesTest {
  private final ClientAddresses addresses = new ClientAddresses(new Secrets(new byte[32]), 64);

  private static InetAddress ip(String literal) {
    return ClientAddresses.parse(literal)
        .orElseThrow(() -> new AssertionError("does not parse: " + literal));
  }

  @Test
  void an_ipv6_address_counts_by_its_64_and_an_ipv4_address_by_itself() {
    assertEquals(
        "2001:db8:1:2:0:0:0:0/64", addresses.group(ip("2001:db8:1:2:abcd:ef01:2345:6789")));
    assertEquals(
        addresses.group(ip("2001:db8:1:2::1")), addresses.group(ip("[2001:db8:1:2:ffff::]")));
    assertNotEquals(addresses.group(ip("2001:db8:1:2::1")), addresses.group(ip("2001:db8:1:3::1")));
    assertEquals("203.0.113.7", addresses.group(ip("203.0.113.7")));
    assertEquals(
        "203.0.113.7", addresses.group(ip("::ffff:203.0.113.7")), "IPv4-mapped IPv6 is IPv4");
    assertEquals(
        "2001:db8:0:0:0:0:0:0/48",
        new ClientAddresses(new Secrets(new byte[32]), 48).group(ip("2001:db8:0:ffff::1")));
  }

  @Test
  void only_ip_literals_parse_so_nothing_is_ever_looked_up() {
    for (String notAnAddress :
        new String[] {
          "localhost", "example.com", "abc.def", "1.2.3", "1.2.3.4.5", "999.1.1.1", "", "::g", null
        }) {
      assertFalse(ClientAddresses.parse(notAnAddress).isPresent(), notAnAddress);
    }
    assertTrue(ClientAddresses.parse("fe80::1%eth0").isPresent());
  }

  @Test
  void hashes_are_per_app_stable_and_readable_by_no_one() {
    Source a = addresses.source("app-1", ip("2001:db8:1:2::1"));
    Source b = addresses.source("app-1", ip("2001:db8:1:2::2"));

    assertEquals(a.limitKey(), b.limitKey(), "one /64, one limit key");
    assertNotEquals(a.addressId(), b.addressId(), "two addresses for the audit");
    assertNotEquals(
        a.limitKey(),
        addresses.source("app-2", ip("2001:db8:1:2::1")).limitKey(),
        "another app, other windows");
    assertEquals(a, addresses.source("app-1", "2001:db8:1:2::1"));
    assertTrue(
        a.limitKey().startsWith("ipk_")
            && a.addressId().startsWith("ip_")
            && !a.limitKey().contains("2001"));
  }

  @Test
  void a_prefix_outside_32_to_128_is_refused() {
    assertThrows(
        IllegalArgumentException.class, () -> new ClientAddresses(new Secrets(new byte[32]), 16));
    assertThrows(
        IllegalArgumentException.class, () -> new ClientAddresses(new Secrets(new byte[32]), 129));
  }
}
