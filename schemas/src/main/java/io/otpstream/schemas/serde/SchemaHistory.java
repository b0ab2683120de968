package io.otpstream.schemas.serde;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.avro.Schema;
import org.apache.avro.message.SchemaStore;

/**
 * Every published version of every top-level event schema, shipped in this module under {@code
 * io/otpstream/schemas/history/} and listed in its {@code index.txt}. Readers resolve a
 * single-object-encoded value's writer schema by fingerprint here, so a topic written by any
 * published version still reads into today's classes.
 */
public final class SchemaHistory {
  private static final String ROOT = "/io/otpstream/schemas/history/";
  private static final SchemaHistory INSTANCE = load();

  private final List<Published> versions;
  private final SchemaStore.Cache store = new SchemaStore.Cache();

  /** One published schema: its file name (e.g. {@code OtpCommand.v1.avsc}) and the schema. */
  public record Published(String file, Schema schema) {
    public String fullName() {
      return schema.getFullName();
    }
  }

  private SchemaHistory(List<Published> versions) {
    this.versions = List.copyOf(versions);
    versions.forEach(v -> store.addSchema(v.schema()));
  }

  public static SchemaHistory get() {
    return INSTANCE;
  }

  public List<Published> versions() {
    return versions;
  }

  public List<Published> versionsOf(String fullName) {
    return versions.stream().filter(v -> v.fullName().equals(fullName)).toList();
  }

  public SchemaStore store() {
    return store;
  }

  private static SchemaHistory load() {
    List<Published> versions = new ArrayList<>();
    for (String file : readLines(ROOT + "index.txt")) {
      try (InputStream in = open(ROOT + file)) {
        versions.add(new Published(file, new Schema.Parser().parse(in)));
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read schema history file " + file, e);
      }
    }
    return new SchemaHistory(versions);
  }

  private static List<String> readLines(String resource) {
    try (BufferedReader r =
        new BufferedReader(new InputStreamReader(open(resource), StandardCharsets.UTF_8))) {
      return r.lines().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static InputStream open(String resource) {
    return Objects.requireNonNull(
        SchemaHistory.class.getResourceAsStream(resource), "missing resource " + resource);
  }
}
