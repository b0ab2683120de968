package io.otpstream.schemas.serde;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.junit.jupiter.api.Test;

/** The build's schema-evolution gate: every current schema is published and compatible both ways. */
class SchemaHistoryTest {

  @Test
  void every_current_top_level_schema_is_a_published_version() {
    for (Schema current : TopLevelSchemas.CURRENT) {
      List<SchemaHistory.Published> versions = SchemaHistory.get().versionsOf(current.getFullName());
      assertFalse(versions.isEmpty(), current.getFullName() + " has no published version");
      boolean published = versions.stream()
          .anyMatch(v -> TopLevelSchemas.fingerprint(v.schema()) == TopLevelSchemas.fingerprint(current));
      assertTrue(published, current.getFullName() + " changed: run TopLevelSchemas (see README) to publish it as a new version");
    }
  }

  @Test
  void current_schemas_read_every_published_version_and_are_read_by_them() {
    for (Schema current : TopLevelSchemas.CURRENT) {
      for (SchemaHistory.Published old : SchemaHistory.get().versionsOf(current.getFullName())) {
        assertEquals(SchemaCompatibilityType.COMPATIBLE,
            SchemaCompatibility.checkReaderWriterCompatibility(current, old.schema()).getType(),
            "backward: today's " + current.getName() + " cannot read " + old.file());
        assertEquals(SchemaCompatibilityType.COMPATIBLE,
            SchemaCompatibility.checkReaderWriterCompatibility(old.schema(), current).getType(),
            "forward: " + old.file() + " cannot read today's " + current.getName());
      }
    }
  }

  @Test
  void an_incompatible_change_is_detected() {
    Schema v1 = new Schema.Parser().parse("""
        {"type":"record","name":"X","fields":[{"name":"a","type":"string"}]}""");
    Schema removedWithoutDefault = new Schema.Parser().parse("""
        {"type":"record","name":"X","fields":[{"name":"a","type":"string"},{"name":"b","type":"int"}]}""");
    assertEquals(SchemaCompatibilityType.INCOMPATIBLE,
        SchemaCompatibility.checkReaderWriterCompatibility(removedWithoutDefault, v1).getType());
  }
}
