package io.otpstream.e2e.registry;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;
import org.apache.kafka.connect.cli.ConnectStandalone;
import org.apache.kafka.connect.runtime.Connect;
import org.apache.kafka.connect.runtime.standalone.StandaloneHerder;
import org.junit.jupiter.api.Assumptions;

/**
 * A Kafka Connect worker in this JVM, started as {@code connect-standalone.sh worker.properties
 * otp-file-sink.properties} starts one, from the two files README shows ({@code deploy/connect/}):
 * Apicurio's registry-aware Avro converter, loaded from the plugin folder in isolation as a Connect
 * cluster loads it, and the file sink. Only the addresses and file names are changed.
 */
final class FileSinkWorker implements AutoCloseable {
  private static final Path FILES =
      Path.of("").toAbsolutePath().getParent().resolve("deploy/connect");
  private static final String PLUGIN_PATH = "otp.test.connect.plugin-path";
  private final Connect<StandaloneHerder> connect;

  private FileSinkWorker(Connect<StandaloneHerder> connect) {
    this.connect = connect;
  }

  /** A worker whose sink writes {@code topics} to {@code rows}; its state goes in {@code dir}. */
  static FileSinkWorker start(
      String bootstrap, String registryRoot, List<String> topics, Path rows, Path dir) {
    String plugins = System.getProperty(PLUGIN_PATH, "");
    Assumptions.assumeTrue(
        !plugins.isEmpty() && Files.isDirectory(Path.of(plugins)),
        "no Connect plugin folder (connect-plugin not packaged): the Kafka Connect proof is skipped");
    Properties worker = load("worker.properties");
    worker.setProperty("bootstrap.servers", bootstrap);
    worker.setProperty("listeners", "http://127.0.0.1:0");
    worker.setProperty("offset.storage.file.filename", dir.resolve("offsets").toString());
    worker.setProperty("plugin.path", plugins);
    String url = "value.converter.apicurio.registry.url";
    worker.setProperty(url, worker.getProperty(url).replace("http://registry:8080", registryRoot));
    Properties sink = load("otp-file-sink.properties");
    sink.setProperty("topics", String.join(",", topics));
    sink.setProperty("file", rows.toString());
    Path sinkFile = dir.resolve("otp-file-sink.properties");
    try (Writer out = Files.newBufferedWriter(sinkFile)) {
      sink.store(out, null);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    ConnectStandalone cli = new ConnectStandalone();
    Connect<StandaloneHerder> connect = cli.startConnect(strings(worker));
    cli.processExtraArgs(connect, new String[] {sinkFile.toString()});
    return new FileSinkWorker(connect);
  }

  private static Properties load(String name) {
    Properties p = new Properties();
    try (Reader in = Files.newBufferedReader(FILES.resolve(name))) {
      p.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return p;
  }

  private static Map<String, String> strings(Properties p) {
    return p.stringPropertyNames().stream().collect(Collectors.toMap(k -> k, p::getProperty));
  }

  @Override
  public void close() {
    connect.stop();
    connect.awaitStop();
  }
}
