package io.otpstream.e2e.secrecy;

import io.otpstream.e2e.secrecy.Leaves.Leaf;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * One record of a topic taken apart: its key, its value decoded with the topic's deserializer down
 * to its leaves, and its headers (each value also read as a number when it is 4 or 8 bytes long);
 * and the raw bytes of each. {@link #whereCode} and {@link #whereText} say where a secret is.
 */
final class RecordParts {
  private final List<Leaf> leaves = new ArrayList<>();
  private final Map<String, byte[]> raw = new LinkedHashMap<>();

  private RecordParts() {}

  static RecordParts of(ConsumerRecord<byte[], byte[]> r, Deserializer<?> values) {
    RecordParts p = new RecordParts();
    if (r.key() != null) {
      p.raw.put("key", r.key());
      p.leaves.add(new Leaf("key", new String(r.key(), StandardCharsets.UTF_8)));
    }
    if (r.value() != null) {
      p.raw.put("value", r.value());
      p.leaves.addAll(Leaves.of("value", values.deserialize(r.topic(), r.value())));
    }
    for (Header h : r.headers()) {
      String path = "header " + h.key();
      p.leaves.add(new Leaf(path + " (name)", h.key()));
      if (h.value() != null) {
        p.raw.put(path, h.value());
        if (h.value().length == Long.BYTES) {
          p.leaves.add(new Leaf(path + " (long)", ByteBuffer.wrap(h.value()).getLong()));
        } else if (h.value().length == Integer.BYTES) {
          p.leaves.add(new Leaf(path + " (int)", (long) ByteBuffer.wrap(h.value()).getInt()));
        }
      }
    }
    return p;
  }

  /**
   * Where this record holds the code: a leaf's path, or a raw part, each with how it is written.
   */
  List<String> whereCode(Digits code) {
    List<String> where = new ArrayList<>();
    for (Leaf leaf : leaves) {
      List<String> how;
      if (leaf.value() instanceof String s) {
        how = code.inText(s);
      } else if (leaf.value() instanceof Long n) {
        how = code.isNumber(n) ? List.of("number") : List.of();
      } else {
        how = code.inBytes((byte[]) leaf.value());
      }
      if (!how.isEmpty()) {
        where.add(leaf.path() + " " + how);
      }
    }
    raw.forEach(
        (part, bytes) -> {
          List<String> how = code.inBytes(bytes);
          if (!how.isEmpty()) {
            where.add("raw " + part + " " + how);
          }
        });
    return where;
  }

  /**
   * Where this record holds {@code secret} (a key or a token): a string leaf or a raw part that
   * contains it.
   */
  List<String> whereText(String secret) {
    List<String> where = new ArrayList<>();
    for (Leaf leaf : leaves) {
      if (leaf.value() instanceof String s && s.contains(secret)) {
        where.add(leaf.path());
      }
    }
    raw.forEach(
        (part, bytes) -> {
          if (new String(bytes, StandardCharsets.ISO_8859_1).contains(secret)) {
            where.add("raw " + part);
          }
        });
    return where;
  }
}
