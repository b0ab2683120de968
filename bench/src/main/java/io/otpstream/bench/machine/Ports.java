package io.otpstream.bench.machine;

import java.io.IOException;
import java.net.ServerSocket;

/** Free TCP ports of this machine, for the processes a bench starts. */
public final class Ports {
  private Ports() {}

  public static int free() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  /** A free port whose next one is free too (an embedded broker's controller takes it). */
  public static int freePair() throws IOException {
    for (int i = 0; i < 50; i++) {
      int p = free();
      try (ServerSocket next = new ServerSocket(p + 1)) {
        return p;
      } catch (IOException taken) {
        // try another
      }
    }
    throw new IOException("no two free ports in a row");
  }
}
