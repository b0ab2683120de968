package io.otpstream.launcher.service;

import io.otpstream.common.kafka.KafkaSettings;
import io.otpstream.launcher.config.StartupException;
import io.otpstream.launcher.topics.MissingTopicsException;
import io.otpstream.launcher.topics.TopicSetup;
import io.otpstream.schemas.topics.Replication;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.SslAuthenticationException;

/**
 * What every service does first: reach the cluster with its client settings, within a bounded time,
 * and say plainly why not (unreachable, TLS handshake failed, credentials refused) instead of
 * retrying forever. Messages hold no secret ({@link KafkaSettings#redact}).
 */
final class KafkaCheck {
  private final KafkaSettings kafka;
  private final Duration wait;

  KafkaCheck(KafkaSettings kafka, Duration wait) {
    this.kafka = kafka;
    this.wait = wait;
  }

  /** Connects and authenticates, or throws a {@link StartupException} that says why not. */
  void reach() {
    try (Admin admin = admin("startup-check")) {
      admin
          .describeCluster(new DescribeClusterOptions().timeoutMs((int) wait.toMillis()))
          .clusterId()
          .get(wait.toMillis() + 5_000, TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw explain(e.getCause());
    } catch (TimeoutException e) {
      throw explain(new org.apache.kafka.common.errors.TimeoutException("no answer"));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StartupException("interrupted while reaching Kafka");
    }
  }

  /**
   * Creates the topics that are missing, or requires them ({@code OTP_TOPIC_AUTO_CREATE=false});
   * returns the replication new topics get.
   */
  Replication ensureTopics(TopicSetup setup) {
    try (Admin admin = admin("topics")) {
      return setup.ensure(admin, kafka).replication();
    } catch (MissingTopicsException e) {
      throw new StartupException(e.getMessage());
    } catch (KafkaException e) {
      throw explain(e);
    }
  }

  /** The number of partitions of the reply topic. */
  int replyPartitions() {
    String topic = kafka.topics().replies.name();
    try (Admin admin = admin("topics")) {
      return admin
          .describeTopics(List.of(topic))
          .allTopicNames()
          .get(wait.toMillis(), TimeUnit.MILLISECONDS)
          .get(topic)
          .partitions()
          .size();
    } catch (ExecutionException e) {
      throw explain(e.getCause());
    } catch (TimeoutException e) {
      throw explain(new org.apache.kafka.common.errors.TimeoutException("no answer"));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StartupException("interrupted while reading " + topic);
    }
  }

  private Admin admin(String role) {
    Properties p = kafka.clientProperties(role);
    p.putIfAbsent(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) wait.toMillis());
    p.putIfAbsent(
        AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.min(wait.toMillis(), 30_000));
    try {
      return Admin.create(p);
    } catch (KafkaException | IllegalArgumentException e) {
      throw new StartupException(
          "cannot set up a Kafka client for "
              + kafka.bootstrapServers()
              + ": "
              + kafka.redact(rootMessage(e))
              + " (check KAFKA_BOOTSTRAP_SERVERS and the other KAFKA_ settings)");
    }
  }

  private StartupException explain(Throwable e) {
    String at = "Kafka at " + kafka.bootstrapServers();
    String why = kafka.redact(rootMessage(e));
    if (e instanceof SslAuthenticationException) {
      return new StartupException(
          "the TLS handshake with "
              + at
              + " failed: "
              + why
              + " (check KAFKA_SSL_TRUSTSTORE_LOCATION and the other KAFKA_SSL_ settings)");
    }
    if (e instanceof AuthenticationException) {
      return new StartupException(
          at
              + " refused this service's credentials: "
              + why
              + " (check KAFKA_SASL_MECHANISM and KAFKA_SASL_JAAS_CONFIG)");
    }
    if (e instanceof AuthorizationException) {
      return new StartupException(at + " did not authorize this service: " + why);
    }
    if (e instanceof org.apache.kafka.common.errors.TimeoutException) {
      return new StartupException(
          "no answer from "
              + at
              + " within "
              + wait.toMillis()
              + " ms (security.protocol "
              + kafka
                  .extra()
                  .getOrDefault(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "PLAINTEXT")
              + "): check KAFKA_BOOTSTRAP_SERVERS, and KAFKA_SECURITY_PROTOCOL with its SASL and"
              + " TLS settings if the cluster requires them");
    }
    return new StartupException("cannot use " + at + ": " + why);
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    String m = t.getMessage();
    return t == e || m == null ? String.valueOf(e.getMessage()) : e.getMessage() + ": " + m;
  }
}
