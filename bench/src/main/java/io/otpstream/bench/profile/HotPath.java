package io.otpstream.bench.profile;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingFile;

/**
 * Where a JFR recording of otpstream spends its CPU and allocations, in the terms of the hot path:
 * CPU samples by thread (pool numbers folded), by top frame, and by the components on the stack
 * (api, processor, broker, logging, JSON, Avro, tokens...), counted once a sample; allocation
 * weight by class and by the first frame outside the JDK. {@code jfr view hot-methods} shows only
 * top frames, which in a service made of libraries says little.
 *
 * <p>Run: {@code java -cp bench.jar io.otpstream.bench.profile.HotPath file.jfr [rows]}
 */
public final class HotPath {
  /** Package prefixes named as the parts of the hot path, checked in this order. */
  private static final Map<String, String> COMPONENTS = new java.util.LinkedHashMap<>();

  static {
    COMPONENTS.put("io.otpstream.api.", "otpstream api");
    COMPONENTS.put("io.otpstream.processor.", "otpstream processor");
    COMPONENTS.put("io.otpstream.dispatcher.", "otpstream dispatchers");
    COMPONENTS.put("io.otpstream.schemas.", "otpstream schemas (serdes)");
    COMPONENTS.put("io.otpstream.common.", "otpstream common");
    COMPONENTS.put("kafka.", "Kafka broker");
    COMPONENTS.put("org.apache.kafka.storage.", "Kafka broker");
    COMPONENTS.put("org.apache.kafka.server.", "Kafka broker");
    COMPONENTS.put("org.apache.kafka.coordinator.", "Kafka broker");
    COMPONENTS.put("org.apache.kafka.streams.", "Kafka Streams");
    COMPONENTS.put("org.apache.kafka.clients.", "Kafka clients");
    COMPONENTS.put("org.apache.kafka.common.metrics.", "Kafka metrics");
    COMPONENTS.put("org.rocksdb.", "RocksDB (JNI)");
    COMPONENTS.put("org.eclipse.jetty.", "Jetty");
    COMPONENTS.put("io.javalin.", "Javalin");
    COMPONENTS.put("com.fasterxml.jackson.", "Jackson (JSON)");
    COMPONENTS.put("org.apache.avro.", "Avro");
    COMPONENTS.put("com.nimbusds.", "Nimbus JOSE (tokens)");
    COMPONENTS.put("com.google.crypto.tink.", "Tink (crypto)");
    COMPONENTS.put("ch.qos.logback.", "Logback (logging)");
    COMPONENTS.put("io.micrometer.", "Micrometer (metrics)");
    COMPONENTS.put("javax.crypto.", "JCE (crypto)");
    COMPONENTS.put("com.sun.crypto.", "JCE (crypto)");
  }

  private HotPath() {}

  public static void main(String[] args) throws IOException {
    int rows = args.length > 1 ? Integer.parseInt(args[1]) : 20;
    List<RecordedEvent> events = RecordingFile.readAllEvents(Path.of(args[0]));
    List<RecordedEvent> cpu = of(events, "jdk.ExecutionSample");
    List<RecordedEvent> alloc = of(events, "jdk.ObjectAllocationSample");
    System.out.printf("%d CPU samples, %d allocation samples%n", cpu.size(), alloc.size());
    print("CPU samples by thread", count(cpu, e -> List.of(thread(e))), cpu.size(), rows);
    print("CPU samples by top frame", count(cpu, e -> List.of(frame(top(e)))), cpu.size(), rows);
    print(
        "CPU samples with the component on the stack (a sample counts once per component)",
        count(cpu, HotPath::components),
        cpu.size(),
        rows);
    print(
        "CPU samples by first otpstream frame from the top",
        count(cpu, e -> List.of(first(e, "io.otpstream."))),
        cpu.size(),
        rows);
    Map<String, Double> byClass = weigh(alloc, e -> e.getClass("objectClass").getName());
    Map<String, Double> bySite = weigh(alloc, e -> first(e, null));
    double total = byClass.values().stream().mapToDouble(Double::doubleValue).sum();
    printWeights("allocation weight by class", byClass, total, rows);
    printWeights("allocation weight by first frame outside the JDK", bySite, total, rows);
    printWeights("allocation weight by thread", weigh(alloc, HotPath::thread), total, rows);
  }

  private static List<RecordedEvent> of(List<RecordedEvent> all, String type) {
    return all.stream().filter(e -> e.getEventType().getName().equals(type)).toList();
  }

  private static String thread(RecordedEvent e) {
    RecordedThread t =
        e.hasField("sampledThread") ? e.getThread("sampledThread") : e.getThread("eventThread");
    String name = t == null ? "?" : t.getJavaName() != null ? t.getJavaName() : t.getOSName();
    return name == null ? "?" : name.replaceAll("-\\d+(?=$|-producer$)", "-N");
  }

  private static RecordedFrame top(RecordedEvent e) {
    RecordedStackTrace st = e.getStackTrace();
    return st == null || st.getFrames().isEmpty() ? null : st.getFrames().get(0);
  }

  private static String frame(RecordedFrame f) {
    return f == null ? "?" : f.getMethod().getType().getName() + "." + f.getMethod().getName();
  }

  /** The first frame from the top in {@code prefix}, or (null) outside java., jdk., sun. */
  private static String first(RecordedEvent e, String prefix) {
    RecordedStackTrace st = e.getStackTrace();
    if (st == null) {
      return "?";
    }
    for (RecordedFrame f : st.getFrames()) {
      String type = f.getMethod().getType().getName();
      boolean jdk = type.startsWith("java.") || type.startsWith("jdk.") || type.startsWith("sun.");
      if (prefix == null ? !jdk : type.startsWith(prefix)) {
        return frame(f).replaceAll("\\$\\$Lambda.*", "\\$\\$Lambda");
      }
    }
    return prefix == null ? "(JDK only)" : "(no otpstream frame)";
  }

  private static List<String> components(RecordedEvent e) {
    Set<String> found = new HashSet<>();
    RecordedStackTrace st = e.getStackTrace();
    if (st != null) {
      for (RecordedFrame f : st.getFrames()) {
        String type = f.getMethod().getType().getName();
        COMPONENTS.forEach(
            (prefix, name) -> {
              if (type.startsWith(prefix)) {
                found.add(name);
              }
            });
      }
    }
    return found.isEmpty() ? List.of("(none of these)") : List.copyOf(found);
  }

  private static Map<String, Long> count(
      List<RecordedEvent> events, Function<RecordedEvent, List<String>> keys) {
    return events.stream()
        .flatMap(e -> keys.apply(e).stream())
        .collect(Collectors.groupingBy(k -> k, TreeMap::new, Collectors.counting()));
  }

  private static Map<String, Double> weigh(
      List<RecordedEvent> events, Function<RecordedEvent, String> key) {
    return events.stream()
        .collect(
            Collectors.groupingBy(
                key, TreeMap::new, Collectors.summingDouble(e -> e.getLong("weight"))));
  }

  private static void print(String title, Map<String, Long> counts, int total, int rows) {
    System.out.printf("%n== %s%n", title);
    counts.entrySet().stream()
        .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
        .limit(rows)
        .forEach(
            c ->
                System.out.printf(
                    Locale.ROOT,
                    "%6d %5.1f%%  %s%n",
                    c.getValue(),
                    100.0 * c.getValue() / total,
                    c.getKey()));
  }

  private static void printWeights(String title, Map<String, Double> w, double total, int rows) {
    System.out.printf("%n== %s (%.0f MB sampled weight in all)%n", title, total / 1e6);
    w.entrySet().stream()
        .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
        .limit(rows)
        .forEach(
            c ->
                System.out.printf(
                    Locale.ROOT,
                    "%8.1f MB %5.1f%%  %s%n",
                    c.getValue() / 1e6,
                    100.0 * c.getValue() / total,
                    c.getKey()));
  }
}
