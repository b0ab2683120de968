package io.otpstream.schemas.serde;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.apache.avro.SchemaCompatibility.SchemaIncompatibilityType;
import org.junit.jupiter.api.Test;

/**
 * The build's schema-evolution gate: every current schema is published and compatible both ways.
 */
class SchemaHistoryTest {
  /**
   * Records whose first field is a union of entry kinds that may grow: an older reader cannot read
   * an entry of a new kind and skips it (the otp.apps readers do), so a new branch is the one
   * forward change allowed there.
   */
  private static final Set<String> GROWING_UNIONS =
      Set.of("io.otpstream.schemas.apps.AppCatalogRecord");

  @Test
  void every_current_top_level_schema_is_a_published_version() {
    for (Schema current : TopLevelSchemas.CURRENT) {
      List<SchemaHistory.Published> versions =
          SchemaHistory.get().versionsOf(current.getFullName());
      assertFalse(versions.isEmpty(), current.getFullName() + " has no published version");
      boolean published =
          versions.stream()
              .anyMatch(
                  v ->
                      TopLevelSchemas.fingerprint(v.schema())
                          == TopLevelSchemas.fingerprint(current));
      assertTrue(
          published,
          current.getFullName()
              + " changed: run TopLevelSchemas (see README) to publish it as a new version");
    }
  }

  @Test
  void current_schemas_read_every_published_version_and_are_read_by_them() {
    for (Schema current : TopLevelSchemas.CURRENT) {
      for (SchemaHistory.Published old : SchemaHistory.get().versionsOf(current.getFullName())) {
        assertEquals(
            SchemaCompatibilityType.COMPATIBLE,
            SchemaCompatibility.checkReaderWriterCompatibility(current, old.schema()).getType(),
            "backward: today's " + current.getName() + " cannot read " + old.file());
        SchemaCompatibility.SchemaPairCompatibility forward =
            SchemaCompatibility.checkReaderWriterCompatibility(old.schema(), current);
        boolean onlyGrownUnion =
            GROWING_UNIONS.contains(current.getFullName())
                && forward.getResult().getIncompatibilities().stream()
                    .allMatch(
                        i ->
                            i.getType() == SchemaIncompatibilityType.MISSING_UNION_BRANCH
                                && i.getLocation().startsWith("/fields/0/type/"));
        assertTrue(
            forward.getType() == SchemaCompatibilityType.COMPATIBLE || onlyGrownUnion,
            "forward: "
                + old.file()
                + " cannot read today's "
                + current.getName()
                + ": "
                + forward.getResult().getIncompatibilities().stream()
                    .map(i -> i.getType() + " at " + i.getLocation())
                    .toList());
      }
    }
  }

  @Test
  void an_incompatible_change_is_detected() {
    Schema v1 =
        new Schema.Parser()
            .parse(
                """
        {"type":"record","name":"X","fields":[{"name":"a","type":"string"}]}""");
    Schema removedWithoutDefault =
        new Schema.Parser()
            .parse(
                """
        {"type":"record","name":"X","fields":[{"name":"a","type":"string"},{"name":"b","type":"int"}]}""");
    assertEquals(
        SchemaCompatibilityType.INCOMPATIBLE,
        SchemaCompatibility.checkReaderWriterCompatibility(removedWithoutDefault, v1).getType());
  }
}
