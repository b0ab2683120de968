package io.otpstream.e2e.secrecy;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericEnumSymbol;
import org.apache.avro.generic.GenericFixed;
import org.apache.avro.generic.IndexedRecord;

/**
 * The leaves of a decoded value (an Avro record, generated or generic, down through its records,
 * unions, arrays and maps; or a plain string or number): every string, every integer and every byte
 * string, each with its path. A value of a kind it does not know is an error, never skipped.
 */
final class Leaves {
  /** One leaf: {@code value} is a String, a Long or a byte[]. */
  record Leaf(String path, Object value) {}

  private Leaves() {}

  static List<Leaf> of(String path, Object value) {
    List<Leaf> out = new ArrayList<>();
    walk(path, value, out);
    return out;
  }

  private static void walk(String path, Object v, List<Leaf> out) {
    if (v == null || v instanceof Boolean) {
      return;
    }
    if (v instanceof IndexedRecord r) {
      for (Schema.Field f : r.getSchema().getFields()) {
        walk(path + "." + f.name(), r.get(f.pos()), out);
      }
    } else if (v instanceof Map<?, ?> m) {
      m.forEach(
          (k, value) -> {
            out.add(new Leaf(path + "{key}", k.toString()));
            walk(path + "[" + k + "]", value, out);
          });
    } else if (v instanceof Collection<?> c) {
      int i = 0;
      for (Object e : c) {
        walk(path + "[" + i++ + "]", e, out);
      }
    } else if (v instanceof CharSequence
        || v instanceof Enum<?>
        || v instanceof GenericEnumSymbol<?>) {
      out.add(new Leaf(path, v.toString()));
    } else if (v instanceof Integer
        || v instanceof Long
        || v instanceof Short
        || v instanceof Byte) {
      out.add(new Leaf(path, ((Number) v).longValue()));
    } else if (v instanceof Instant t) {
      out.add(new Leaf(path, t.toEpochMilli())); // timestamp-millis: a long on the wire
    } else if (v instanceof ByteBuffer b) {
      ByteBuffer copy = b.duplicate();
      byte[] bytes = new byte[copy.remaining()];
      copy.get(bytes);
      out.add(new Leaf(path, bytes));
    } else if (v instanceof byte[] b) {
      out.add(new Leaf(path, b));
    } else if (v instanceof GenericFixed f) {
      out.add(new Leaf(path, f.bytes()));
    } else {
      throw new IllegalStateException("cannot walk " + v.getClass().getName() + " at " + path);
    }
  }
}
