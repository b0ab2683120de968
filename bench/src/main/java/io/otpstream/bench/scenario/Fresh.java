package io.otpstream.bench.scenario;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Phone numbers and end-user addresses no other request of the run used, so no per-subject or
 * per-IP limit refuses a request unless a scenario means it to. Numbers are +1 650 2xx xxxx and
 * addresses 172.16.0.0/12, apart from {@link io.otpstream.bench.devmode.OtpScenarios}' ranges, so
 * both run against one installation.
 */
public final class Fresh {
  private final AtomicLong next = new AtomicLong();

  public String number() {
    return "+1650" + (2_000_000 + next.incrementAndGet() % 7_000_000);
  }

  public String ip() {
    long n = next.incrementAndGet();
    return "172." + (16 + ((n >> 16) & 15)) + "." + ((n >> 8) & 255) + "." + (n & 255);
  }
}
