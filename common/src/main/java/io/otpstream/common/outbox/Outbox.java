package io.otpstream.common.outbox;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.otpstream.common.files.OwnerOnly;
import io.otpstream.common.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The local stand-in for a phone and an inbox: messages the outbox providers deliver are appended,
 * one JSON line each, to a file in the data folder, so they survive a restart and a developer can
 * read them at {@code /dev/outbox}. Like a real inbox it holds the code the user would read, so
 * only its owner may read the file; it is a development provider only and never runs with a real
 * provider.
 */
public final class Outbox {
  private final Path file;
  private final List<OutboxMessage> messages = new ArrayList<>();

  public Outbox(Path file) {
    this.file = file;
    try {
      OwnerOnly.file(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the outbox " + file, e);
    }
    load();
  }

  public synchronized void deliver(OutboxMessage message) {
    try {
      if (Files.notExists(file)) { // removed while running, to empty it
        OwnerOnly.file(file);
      }
      Files.writeString(
          file,
          Json.MAPPER.writeValueAsString(message) + "\n",
          StandardCharsets.UTF_8,
          StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write to the outbox " + file, e);
    }
    messages.add(message);
  }

  /** Newest first. */
  public synchronized List<OutboxMessage> list() {
    List<OutboxMessage> copy = new ArrayList<>(messages);
    Collections.reverse(copy);
    return copy;
  }

  private void load() {
    try {
      for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
        if (!line.isBlank()) {
          try {
            messages.add(Json.MAPPER.readValue(line, OutboxMessage.class));
          } catch (JsonProcessingException e) {
            // a line cut short by a crash: skip it, keep the rest
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the outbox " + file, e);
    }
  }
}
