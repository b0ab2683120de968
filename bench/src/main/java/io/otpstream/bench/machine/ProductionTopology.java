package io.otpstream.bench.machine;

import io.otpstream.bench.delivery.ProviderServer;
import io.otpstream.bench.topology.BrokerMain;
import io.otpstream.common.secret.Secrets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Otpstream as README "Running in production" deploys it, on this machine: one broker in a process
 * of its own ({@link BrokerMain}), {@code otpstream admin init}, then {@code processor} ×2, {@code
 * api} ×2 (reply partitions 0 and 1) and one {@code dispatcher-sms} posting to an HTTP SMS API
 * ({@code OTP_SMS_PROVIDER=http}), each {@code otpstream <command>} in a JVM of its own, configured
 * by environment variables only. No email or webhook dispatcher runs: the scenarios send SMS only.
 */
final class ProductionTopology implements AutoCloseable {

  private final List<ChildJvm> processes = new ArrayList<>();
  private final List<String> apis = new ArrayList<>();
  private String bootstrap;
  private String managementKey;

  /**
   * Starts it all under {@code data} (logs in {@code out}); the dispatcher posts to {@code sms} at
   * most {@code smsRate} messages a second, {@code smsInFlight} at once.
   */
  static ProductionTopology start(
      Path data, Path out, ProviderServer sms, int smsRate, int smsInFlight, String commitMs)
      throws Exception {
    ProductionTopology t = new ProductionTopology();
    try {
      t.startAll(data, out, sms, smsRate, smsInFlight, commitMs);
      return t;
    } catch (Exception e) {
      t.close();
      throw e;
    }
  }

  private void startAll(
      Path data, Path out, ProviderServer sms, int smsRate, int smsInFlight, String commitMs)
      throws Exception {
    ChildJvm broker = ChildJvm.broker(data.resolve("broker"), out);
    processes.add(broker);
    bootstrap = ChildJvm.bootstrapOf(broker);
    Map<String, String> common = new HashMap<>();
    common.put("KAFKA_BOOTSTRAP_SERVERS", bootstrap);
    common.put("OTP_SECRET", Secrets.generate());
    common.put("OTP_LOG_FORMAT", "text");
    common.put("OTP_COMMIT_INTERVAL_MS", commitMs);
    try (ChildJvm init =
        ChildJvm.launcher(
            "admin-init", common, List.of("admin", "init"), out, l -> l.startsWith("mk_"))) {
      managementKey = init.readyLine().strip();
    }
    List<String> health = new ArrayList<>();
    for (int i = 1; i <= 2; i++) {
      Map<String, String> env = new HashMap<>(common);
      int port = Ports.free();
      env.put("OTP_HEALTH_PORT", Integer.toString(port));
      env.put("OTP_STATE_DIR", data.resolve("processor-" + i).toString());
      processes.add(ChildJvm.launcher("processor-" + i, env, List.of("processor"), out, l -> true));
      health.add("http://127.0.0.1:" + port);
    }
    Map<String, String> dispatcher = new HashMap<>(common);
    int dispatcherHealth = Ports.free();
    dispatcher.put("OTP_HEALTH_PORT", Integer.toString(dispatcherHealth));
    dispatcher.put("OTP_SMS_PROVIDER", "http");
    dispatcher.put("OTP_SMS_HTTP_URL", sms.url());
    dispatcher.put("OTP_SMS_HTTP_BODY_TEMPLATE", ProviderServer.BODY_TEMPLATE);
    dispatcher.put("OTP_SMS_HTTP_MESSAGE_ID_FIELD", "id");
    dispatcher.put("OTP_SMS_RATE_PER_SECOND", Integer.toString(smsRate));
    dispatcher.put("OTP_SMS_MAX_IN_FLIGHT", Integer.toString(smsInFlight));
    processes.add(
        ChildJvm.launcher("dispatcher-sms", dispatcher, List.of("dispatcher-sms"), out, l -> true));
    health.add("http://127.0.0.1:" + dispatcherHealth);
    for (int i = 0; i < 2; i++) {
      Map<String, String> env = new HashMap<>(common);
      int port = Ports.free();
      env.put("OTP_HTTP_PORT", Integer.toString(port));
      env.put("OTP_HTTP_HOST", "127.0.0.1");
      env.put("OTP_REPLY_PARTITION", Integer.toString(i));
      processes.add(ChildJvm.launcher("api-" + (i + 1), env, List.of("api"), out, l -> true));
      apis.add("http://127.0.0.1:" + port);
    }
    health.addAll(apis);
    for (String h : health) {
      ChildJvm.awaitReady(h);
    }
  }

  String bootstrap() {
    return bootstrap;
  }

  String managementKey() {
    return managementKey;
  }

  /** The two api instances' base URLs. */
  List<String> apis() {
    return apis;
  }

  /** Every process of the topology, the broker included. */
  long[] pids() {
    return processes.stream().mapToLong(ChildJvm::pid).toArray();
  }

  /** Stops the services first, the broker last. */
  @Override
  public void close() {
    for (int i = processes.size() - 1; i >= 0; i--) {
      processes.get(i).close();
    }
  }
}
