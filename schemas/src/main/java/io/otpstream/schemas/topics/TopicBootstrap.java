package io.otpstream.schemas.topics;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds which of the catalogue's topics a cluster lacks, and creates them; safe to run on every
 * start and by several processes at once (a topic another one created meanwhile is fine).
 */
public final class TopicBootstrap {
  private static final Logger log = LoggerFactory.getLogger(TopicBootstrap.class);

  private TopicBootstrap() {}

  /**
   * Creates the missing topics with {@code replicationFactor} copies and the default {@code
   * min.insync.replicas} for it: the dev mode and tests.
   */
  public static void ensure(Admin admin, Topics topics, short replicationFactor) {
    create(
        admin,
        missing(admin, topics),
        new Replication(replicationFactor, Replication.minInsyncFor(replicationFactor)));
  }

  /** The catalogue's topics the cluster does not have (or does not show this client). */
  public static List<TopicSpec<?, ?>> missing(Admin admin, Topics topics) {
    Set<String> existing = get(admin.listTopics().names(), "list the topics");
    return topics.all().stream().filter(t -> !existing.contains(t.name())).toList();
  }

  /** The brokers the cluster has now. */
  public static int brokers(Admin admin) {
    return get(admin.describeCluster().nodes(), "describe the cluster").size();
  }

  /**
   * Creates {@code specs} with {@code replication}; returns the names this call created (a topic
   * that exists by then is skipped).
   */
  public static List<String> create(
      Admin admin, List<TopicSpec<?, ?>> specs, Replication replication) {
    if (specs.isEmpty()) {
      return List.of();
    }
    List<NewTopic> topics =
        specs.stream()
            .map(
                t -> {
                  Map<String, String> configs = t.configs();
                  configs.put(
                      TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG,
                      Integer.toString(replication.minInsyncReplicas()));
                  return new NewTopic(t.name(), t.partitions(), replication.factor())
                      .configs(configs);
                })
            .toList();
    Map<String, ? extends Future<Void>> results = admin.createTopics(topics).values();
    List<String> created = new ArrayList<>();
    List<String> failed = new ArrayList<>();
    results.forEach(
        (name, result) -> {
          try {
            result.get();
            created.add(name);
          } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
              failed.add(name + ": " + e.getCause().getMessage());
            }
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failed.add(name + ": interrupted");
          }
        });
    if (!failed.isEmpty()) {
      throw new IllegalStateException("cannot create topics: " + String.join("; ", failed));
    }
    if (!created.isEmpty()) {
      log.info(
          "created topics {} (replication factor {}, min.insync.replicas {})",
          created.stream().sorted().collect(Collectors.joining(", ")),
          replication.factor(),
          replication.minInsyncReplicas());
    }
    return created;
  }

  private static <T> T get(org.apache.kafka.common.KafkaFuture<T> future, String what) {
    try {
      return future.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while trying to " + what, e);
    } catch (ExecutionException e) {
      throw new IllegalStateException(
          "cannot " + what + ": " + e.getCause().getMessage(), e.getCause());
    }
  }
}
