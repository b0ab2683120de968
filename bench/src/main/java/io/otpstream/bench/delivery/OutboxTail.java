package io.otpstream.bench.delivery;

import com.fasterxml.jackson.databind.JsonNode;
import io.otpstream.common.json.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * Follows the dev outbox file ({@code outbox.jsonl}: one JSON line a message, appended by the dev
 * mode's outbox providers) from this JVM, every millisecond, and reports each SMS recipient to
 * {@link Deliveries}: the outbox is the dev mode's provider, so a line there is a message
 * delivered. A message is seen at most about a millisecond after it was written.
 */
public final class OutboxTail implements AutoCloseable {
  private final Thread thread;
  private volatile boolean running = true;

  private OutboxTail(Path file, Deliveries deliveries) {
    this.thread = new Thread(() -> follow(file, deliveries), "bench-outbox-tail");
    thread.setDaemon(true);
  }

  public static OutboxTail start(Path file, Deliveries deliveries) {
    OutboxTail t = new OutboxTail(file, deliveries);
    t.thread.start();
    return t;
  }

  private void follow(Path file, Deliveries deliveries) {
    Lines lines = new Lines();
    long position = 0;
    ByteBuffer buffer = ByteBuffer.allocate(1 << 16);
    FileChannel channel = null;
    try {
      while (running) {
        if (channel == null && Files.exists(file)) {
          channel = FileChannel.open(file, StandardOpenOption.READ);
        }
        int n = channel == null ? 0 : channel.read(buffer.clear(), position);
        if (n <= 0) {
          LockSupport.parkNanos(1_000_000);
          continue;
        }
        position += n;
        for (String line : lines.add(buffer.array(), n)) {
          JsonNode m = Json.MAPPER.readTree(line);
          if ("sms".equals(m.path("channel").asText())) {
            deliveries.received(m.path("to").asText());
          }
        }
      }
    } catch (IOException e) {
      System.err.println("outbox tail stopped: " + e);
    } finally {
      try {
        if (channel != null) {
          channel.close();
        }
      } catch (IOException ignored) {
        // closing a read-only file
      }
    }
  }

  @Override
  public void close() throws InterruptedException {
    running = false;
    thread.join(1000);
  }

  /** Cuts bytes read in arbitrary pieces into whole UTF-8 lines, keeping a partial last line. */
  static final class Lines {
    private final ByteArrayOutputStream partial = new ByteArrayOutputStream();

    List<String> add(byte[] bytes, int length) {
      List<String> complete = new ArrayList<>();
      for (int i = 0; i < length; i++) {
        if (bytes[i] == '\n') {
          String line = partial.toString(StandardCharsets.UTF_8);
          partial.reset();
          if (!line.isBlank()) {
            complete.add(line);
          }
        } else {
          partial.write(bytes[i]);
        }
      }
      return complete;
    }
  }
}
