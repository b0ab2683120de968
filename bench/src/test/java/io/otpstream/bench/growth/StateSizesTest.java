package io.otpstream.bench.growth;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class StateSizesTest {
  @Test
  void a_key_value_store_file_counts_for_its_store() {
    assertEquals(
        "session-store", StateSizes.storeOf(Path.of("1_0/rocksdb/session-store/000012.sst")));
  }

  @Test
  void a_segmented_store_file_counts_for_its_store() {
    assertEquals(
        "window-store",
        StateSizes.storeOf(Path.of("0_3/window-store/window-store.1700000000/000001.log")));
  }

  @Test
  void checkpoint_and_lock_files_count_for_no_store() {
    assertEquals(StateSizes.TASK_FILES, StateSizes.storeOf(Path.of("0_1/.checkpoint")));
    assertEquals(
        StateSizes.TASK_FILES, StateSizes.storeOf(Path.of("kafka-streams-process-metadata")));
  }
}
