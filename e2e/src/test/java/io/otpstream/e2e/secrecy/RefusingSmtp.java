package io.otpstream.e2e.secrecy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * An SMTP server that refuses every recipient the way Postfix does, naming the address in its
 * answer ({@code 550 5.1.1 <address>: Recipient address rejected: User unknown}): the permanent
 * failure a mail provider gives for a mailbox that does not exist.
 */
final class RefusingSmtp implements AutoCloseable {
  private final ServerSocket server;
  private final Thread acceptor;

  RefusingSmtp() throws IOException {
    server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    acceptor = new Thread(this::accept, "refusing-smtp");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  int port() {
    return server.getLocalPort();
  }

  private void accept() {
    while (!server.isClosed()) {
      try {
        Socket s = server.accept();
        Thread t = new Thread(() -> converse(s), "refusing-smtp-session");
        t.setDaemon(true);
        t.start();
      } catch (IOException e) {
        return; // closed
      }
    }
  }

  private static void converse(Socket socket) {
    try (socket;
        BufferedReader in =
            new BufferedReader(
                new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII))) {
      OutputStream out = socket.getOutputStream();
      say(out, "220 refusing.test ESMTP");
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        String verb = line.length() < 4 ? line : line.substring(0, 4).toUpperCase(Locale.ROOT);
        switch (verb) {
          case "EHLO", "HELO" -> say(out, "250 refusing.test");
          case "MAIL", "RSET", "NOOP" -> say(out, "250 2.0.0 Ok");
          case "RCPT" -> {
            String address = line.substring(line.indexOf('<') + 1, line.lastIndexOf('>'));
            say(
                out,
                "550 5.1.1 <"
                    + address
                    + ">: Recipient address rejected: User unknown in virtual mailbox table");
          }
          case "DATA" -> say(out, "554 5.5.1 Error: no valid recipients");
          case "QUIT" -> {
            say(out, "221 2.0.0 Bye");
            return;
          }
          default -> say(out, "502 5.5.2 Error: command not recognized");
        }
      }
    } catch (IOException e) {
      // the client went away
    }
  }

  private static void say(OutputStream out, String line) throws IOException {
    out.write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
    out.flush();
  }

  @Override
  public void close() throws IOException {
    server.close();
  }
}
