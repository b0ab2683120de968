package io.otpstream.bench.growth;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.LogDirDescription;
import org.apache.kafka.common.Node;

/**
 * How big the processor's state is: bytes on disk of its state folder, by store, and bytes of its
 * changelog topics on the broker's disk.
 */
final class StateSizes {
  /** Files of a task that belong to no store (checkpoints, locks). */
  static final String TASK_FILES = "(task files)";

  private StateSizes() {}

  /**
   * The store a file of a Kafka Streams state folder belongs to, from its path relative to the
   * application's folder: {@code <task>/rocksdb/<store>/...} for a key-value store, {@code
   * <task>/<store>/...} for a segmented (window) store, else {@link #TASK_FILES}.
   */
  static String storeOf(Path relative) {
    int n = relative.getNameCount();
    if (n >= 4 && relative.getName(1).toString().equals("rocksdb")) {
      return relative.getName(2).toString();
    }
    if (n >= 3 && !relative.getName(1).toString().equals("rocksdb")) {
      return relative.getName(1).toString();
    }
    return TASK_FILES;
  }

  /** Bytes on disk under {@code appDir} (the state folder of one application id), by store. */
  static Map<String, Long> onDisk(Path appDir) {
    Map<String, Long> sizes = new TreeMap<>();
    if (!Files.isDirectory(appDir)) {
      return sizes;
    }
    try (Stream<Path> files = Files.walk(appDir)) {
      files
          .filter(Files::isRegularFile)
          .forEach(f -> sizes.merge(storeOf(appDir.relativize(f)), size(f), Long::sum));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return sizes;
  }

  private static long size(Path f) {
    try {
      return Files.size(f);
    } catch (IOException e) {
      return 0; // a RocksDB file removed by a compaction meanwhile
    }
  }

  /**
   * Bytes on the broker's disks of each topic whose name starts with {@code prefix} and ends with
   * {@code suffix} (for a Streams application, {@code <application id>-} and {@code -changelog}).
   */
  static Map<String, Long> topics(Admin admin, String prefix, String suffix) throws Exception {
    Map<String, Long> sizes = new TreeMap<>();
    var brokers = admin.describeCluster().nodes().get().stream().map(Node::id).toList();
    for (Map<String, LogDirDescription> dirs :
        admin.describeLogDirs(brokers).allDescriptions().get().values()) {
      for (LogDirDescription dir : dirs.values()) {
        dir.replicaInfos()
            .forEach(
                (tp, info) -> {
                  if (tp.topic().startsWith(prefix) && tp.topic().endsWith(suffix)) {
                    sizes.merge(tp.topic(), info.size(), Long::sum);
                  }
                });
      }
    }
    return sizes;
  }
}
