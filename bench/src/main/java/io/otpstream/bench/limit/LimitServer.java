package io.otpstream.bench.limit;

import io.javalin.Javalin;
import java.nio.file.Files;
import java.util.List;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * The machine's limits as one small Javalin server, run as its own process by the load bench: limit
 * (a) on {@value ProduceLimit#PATH} and limit (b) on {@value HopLimit#PATH}, against the broker
 * named by the first argument (otpstream's own, so both compare on the same broker). Prints {@code
 * limit server ready on port N} once both answer.
 *
 * <p>Run: {@code java -cp bench.jar:otpstream-dev.jar io.otpstream.bench.limit.LimitServer
 * localhost:19092 [commit-interval-ms [state-dir]]}
 */
public final class LimitServer {
  static final int PARTITIONS = 6; // as otpstream's command topics

  private LimitServer() {}

  public static void main(String[] args) throws Exception {
    String bootstrap = args[0];
    int commitMs = args.length > 1 ? Integer.parseInt(args[1]) : 20;
    java.nio.file.Path stateDir =
        args.length > 2
            ? Files.createDirectories(java.nio.file.Path.of(args[2]))
            : Files.createTempDirectory("bench-limit");
    String produced = "bench.limit.produced";
    String in = "bench.limit.in";
    String out = "bench.limit.out";
    try (Admin admin =
        Admin.create(java.util.Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      for (String t : List.of(produced, in, out)) {
        try {
          admin.createTopics(List.of(new NewTopic(t, PARTITIONS, (short) 1))).all().get();
        } catch (java.util.concurrent.ExecutionException e) {
          if (!(e.getCause() instanceof TopicExistsException)) {
            throw e;
          }
        }
      }
    }
    ProduceLimit produce = new ProduceLimit(bootstrap, produced);
    HopLimit hop = new HopLimit(bootstrap, in, out, PARTITIONS, stateDir, commitMs).start();
    Javalin app =
        Javalin.create(
                cfg -> {
                  cfg.startup.showJavalinBanner = false;
                  cfg.jetty.port = 0;
                  cfg.jetty.host = "127.0.0.1";
                  produce.register(cfg.routes);
                  hop.register(cfg.routes);
                })
            .start();
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  app.stop();
                  hop.close();
                  produce.close();
                }));
    System.out.println("limit server ready on port " + app.port());
    System.out.flush();
    Thread.currentThread().join();
  }
}
