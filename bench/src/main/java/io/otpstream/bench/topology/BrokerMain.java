package io.otpstream.bench.topology;

import io.otpstream.dev.broker.EmbeddedKafka;
import java.nio.file.Path;

/**
 * One Kafka broker (the dev mode's embedded single-node KRaft broker) as a process of its own, for
 * the production topology of the load bench: every otpstream service then reaches it over TCP as it
 * would a cluster. Prints {@code broker ready on localhost:N} once it serves; SIGTERM stops it.
 *
 * <p>Run: {@code java -cp bench.jar:otpstream-dev.jar io.otpstream.bench.topology.BrokerMain
 * data-dir port} (the controller takes port + 1)
 */
public final class BrokerMain {
  private BrokerMain() {}

  public static void main(String[] args) throws Exception {
    int port = Integer.parseInt(args[1]);
    EmbeddedKafka kafka = new EmbeddedKafka(Path.of(args[0]), port, port + 1).start();
    Runtime.getRuntime().addShutdownHook(new Thread(kafka::close, "broker-stop"));
    System.out.println("broker ready on " + kafka.bootstrapServers());
    System.out.flush();
    Thread.currentThread().join();
  }
}
