package io.otpstream.e2e.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.apache.kafka.server.common.MetadataVersion;

/**
 * An in-JVM KRaft cluster of its own (not the shared one) whose only client listener requires SASL
 * (PLAIN) over TLS: a certificate for localhost made with keytool at start, the users {@value
 * #USER} and admin. The kit of Kafka 4.3.1 builds only PLAINTEXT and SASL_PLAINTEXT listeners, so
 * the listener's protocol, mechanisms, JAAS and stores are set as broker properties (which the kit
 * leaves as given).
 */
public final class SecureKafka implements AutoCloseable {
  public static final String USER = "otp";
  public static final String PASSWORD = "otp-secret-7f3a";
  private static final String STORE_PASSWORD = "store-pass-1";

  private final KafkaClusterTestKit cluster;
  private final Path dir;

  private SecureKafka(KafkaClusterTestKit cluster, Path dir) {
    this.cluster = cluster;
    this.dir = dir;
  }

  public static SecureKafka start() throws Exception {
    Path dir = Files.createTempDirectory("otp-secure-kafka");
    Path keystore = dir.resolve("broker.p12");
    Path cert = dir.resolve("broker.cer");
    keytool(
        "-genkeypair",
        "-alias",
        "broker",
        "-keyalg",
        "RSA",
        "-keysize",
        "2048",
        "-validity",
        "2",
        "-dname",
        "CN=localhost",
        "-ext",
        "SAN=dns:localhost,ip:127.0.0.1",
        "-keystore",
        keystore.toString(),
        "-storetype",
        "PKCS12",
        "-storepass",
        STORE_PASSWORD,
        "-keypass",
        STORE_PASSWORD);
    keytool(
        "-exportcert",
        "-alias",
        "broker",
        "-keystore",
        keystore.toString(),
        "-storepass",
        STORE_PASSWORD,
        "-file",
        cert.toString());
    keytool(
        "-importcert",
        "-noprompt",
        "-alias",
        "broker",
        "-file",
        cert.toString(),
        "-keystore",
        dir.resolve("truststore.p12").toString(),
        "-storetype",
        "PKCS12",
        "-storepass",
        STORE_PASSWORD);
    TestKitNodes nodes =
        new TestKitNodes.Builder()
            .setBootstrapMetadataVersion(MetadataVersion.latestProduction())
            .setCombined(true)
            .setNumBrokerNodes(1)
            .setNumControllerNodes(1)
            .build();
    String listener = nodes.brokerListenerName().value();
    String controller = nodes.controllerListenerName().value();
    KafkaClusterTestKit c =
        new KafkaClusterTestKit.Builder(nodes)
            .setConfigProp(
                "listener.security.protocol.map",
                listener + ":SASL_SSL," + controller + ":PLAINTEXT")
            .setConfigProp("sasl.enabled.mechanisms", "PLAIN")
            .setConfigProp("sasl.mechanism.inter.broker.protocol", "PLAIN")
            .setConfigProp(
                "listener.name." + listener.toLowerCase() + ".plain.sasl.jaas.config",
                "org.apache.kafka.common.security.plain.PlainLoginModule required"
                    + " username=\"admin\" password=\"admin-secret\""
                    + " user_admin=\"admin-secret\" user_"
                    + USER
                    + "=\""
                    + PASSWORD
                    + "\";")
            .setConfigProp("ssl.keystore.location", keystore.toString())
            .setConfigProp("ssl.keystore.type", "PKCS12")
            .setConfigProp("ssl.keystore.password", STORE_PASSWORD)
            .setConfigProp("ssl.key.password", STORE_PASSWORD)
            .setConfigProp("ssl.truststore.location", dir.resolve("truststore.p12").toString())
            .setConfigProp("ssl.truststore.type", "PKCS12")
            .setConfigProp("ssl.truststore.password", STORE_PASSWORD)
            .setConfigProp("offsets.topic.replication.factor", "1")
            .setConfigProp("transaction.state.log.replication.factor", "1")
            .setConfigProp("transaction.state.log.min.isr", "1")
            .setConfigProp("group.initial.rebalance.delay.ms", "0")
            .setConfigProp("auto.create.topics.enable", "false")
            .build();
    c.format();
    c.startup();
    c.waitForReadyBrokers();
    return new SecureKafka(c, dir);
  }

  public String bootstrapServers() {
    return cluster.bootstrapServers();
  }

  public Path truststore() {
    return dir.resolve("truststore.p12");
  }

  public String truststorePassword() {
    return STORE_PASSWORD;
  }

  /**
   * A properties file with the TLS part of a client's settings (security protocol, mechanism,
   * truststore), as an operator would write for {@code OTP_KAFKA_CONFIG_FILE}; the credentials are
   * left to the environment.
   */
  public Path clientConfigFile() throws IOException {
    Path file = dir.resolve("client.properties");
    Files.writeString(
        file,
        String.join(
            "\n",
            "security.protocol=SASL_SSL",
            "sasl.mechanism=PLAIN",
            "ssl.truststore.location=" + truststore(),
            "ssl.truststore.type=PKCS12",
            "ssl.truststore.password=" + STORE_PASSWORD,
            ""));
    return file;
  }

  /** The JAAS line of a client logging in as {@code user} with {@code password}. */
  public static String jaas(String user, String password) {
    return "org.apache.kafka.common.security.plain.PlainLoginModule required username=\""
        + user
        + "\" password=\""
        + password
        + "\";";
  }

  /** The environment of a service of this cluster: the file and the credentials. */
  public Map<String, String> serviceEnv(String user, String password) throws IOException {
    return Map.of(
        "KAFKA_BOOTSTRAP_SERVERS", bootstrapServers(),
        "OTP_KAFKA_CONFIG_FILE", clientConfigFile().toString(),
        "KAFKA_SASL_JAAS_CONFIG", jaas(user, password));
  }

  private static void keytool(String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException("keytool " + args[0] + " failed: " + out);
    }
  }

  @Override
  public void close() throws Exception {
    cluster.close();
    try (var files = Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    }
  }
}
