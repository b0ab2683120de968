package io.otpstream.bench.replay;

import com.sun.management.OperatingSystemMXBean;
import io.otpstream.common.kafka.KafkaSettings;
import io.otpstream.common.secret.Secrets;
import io.otpstream.dev.broker.EmbeddedKafka;
import io.otpstream.launcher.Main;
import io.otpstream.processor.ProcessorService;
import io.otpstream.schemas.command.OtpCommand;
import io.otpstream.schemas.delivery.DeliveryStatus;
import io.otpstream.schemas.topics.TopicBootstrap;
import io.otpstream.schemas.topics.Topics;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.lang.management.ManagementFactory;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * How fast {@code otpstream replay verify} and {@code otpstream audit} get through a recorded log.
 * Records N commands of one busy app as the api and dispatchers would write them ({@link Traffic},
 * no HTTP), has the live processor decide them all, stops it, then times {@code replay verify} and
 * two audit scans as an operator runs them, on a real single-node broker in this process.
 *
 * <p>Run: {@code mvn -q -pl bench -am install -DskipTests && mvn -q -pl bench exec:exec
 * -Dbench.main=io.otpstream.bench.replay.ReplayBench -Dbench.args=100000} (commands to record,
 * 20,000 by default; a second argument, such as {@code 100000 1000,5000}, also times verify under
 * those values of {@code OTP_COMMIT_INTERVAL_MS}).
 */
public final class ReplayBench {
  /**
   * Event time per round: follow-ups land 0-200 s after what they follow (codes expire after 600 s;
   * resends wait 30 s); 2,500 sends a round make about 50 commands/s, a busy app's busy hour.
   */
  private static final long ROUND_MILLIS = 100_000;

  private static final String LIVE_ID = "otp-bench-live";
  private static final Pattern SUMMARY =
      Pattern.compile("commands: (\\d+), decisions recorded: (\\d+), replayed: (\\d+)");
  private static final OperatingSystemMXBean CPU =
      (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
  private static final Pattern DIVERGENCES = Pattern.compile("divergences: (\\d+)");

  private ReplayBench() {}

  public static void main(String[] args) {
    try {
      run(args);
      System.exit(0);
    } catch (Exception | Error e) {
      e.printStackTrace();
      System.exit(1); // the broker's threads would keep the JVM up
    }
  }

  private static void run(String[] given) throws Exception {
    String joined = String.join(" ", given).strip(); // exec:exec passes bench.args as one
    String[] args = joined.isEmpty() ? new String[0] : joined.split("\\s+");
    int planned = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
    List<String> intervals = new ArrayList<>(List.of(""));
    if (args.length > 1) {
      intervals.addAll(List.of(args[1].split(",")));
    }
    Path dir = Files.createTempDirectory("otp-replay-bench");
    EmbeddedKafka kafka = new EmbeddedKafka(dir.resolve("kafka"), freePort(), freePort()).start();
    KafkaSettings settings = KafkaSettings.of(kafka.bootstrapServers());
    Topics topics = settings.topics();
    try (Admin admin = Admin.create(settings.clientProperties())) {
      TopicBootstrap.ensure(admin, topics, (short) 1);
      // otp.replies keeps an hour; the decisions recorded here are older than that by the time
      // verify runs at 1M, and verify compares them all
      ConfigResource replies = new ConfigResource(ConfigResource.Type.TOPIC, topics.replies.name());
      AlterConfigOp keep =
          new AlterConfigOp(
              new ConfigEntry(TopicConfig.RETENTION_MS_CONFIG, "-1"), AlterConfigOp.OpType.SET);
      admin.incrementalAlterConfigs(Map.of(replies, List.of(keep))).all().get();
    }
    String secret = Secrets.generate();
    Secrets secrets = Secrets.fromBase64(secret);
    System.out.printf(
        "otpstream replay bench: 1 broker, %d commands planned, processor commit.interval.ms=%d,"
            + " %d cores, Java %s%n",
        planned,
        ProcessorService.Config.of(settings, "x", dir, Map.of()).commitIntervalMs(),
        Runtime.getRuntime().availableProcessors(),
        System.getProperty("java.version"));

    int sends = Math.max(250, Math.min(2500, planned / 40));
    long span = ROUND_MILLIS;
    long t = Instant.now().minusMillis((planned / (2L * sends) + 4) * span).toEpochMilli();
    Traffic traffic = new Traffic(topics, secrets, planned, Instant.ofEpochMilli(t - 60_000));
    long records = 0;
    try (LiveLog log = new LiveLog(settings);
        KafkaProducer<String, byte[]> producer = producer(settings);
        ProcessorService live =
            new ProcessorService(
                ProcessorService.Config.of(settings, LIVE_ID, dir.resolve("live"), Map.of()),
                secrets)) {
      live.start();
      long ready = System.nanoTime() + Duration.ofMinutes(3).toNanos();
      while (!live.ready() && System.nanoTime() < ready) { // a new broker makes its internal topics
        Thread.sleep(100);
      }
      long start = System.nanoTime();
      long cpu = CPU.getProcessCpuTime();
      int trailing = 0;
      while (trailing < 3) {
        boolean more = traffic.commands() < planned;
        trailing += more ? 0 : 1;
        for (Traffic.Out o : traffic.round(more ? sends : 0, t, span)) {
          producer.send(new ProducerRecord<>(o.topic(), null, o.at(), o.key(), encode(topics, o)));
          records++;
        }
        producer.flush();
        log.awaitSettled(LIVE_ID, Duration.ofMinutes(10));
        log.newDeliveries(traffic::requested);
        t += span;
      }
      double recordSecs = (System.nanoTime() - start) / 1e9;
      System.out.printf(
          "recorded: %,d commands and %,d delivery statuses written; live processor decided them"
              + " in %.1f s, %.1f s CPU (%,.0f commands/s, rounds of %d sends, each settled before"
              + " the next)%n",
          traffic.commands(),
          records - traffic.commands(),
          recordSecs,
          (CPU.getProcessCpuTime() - cpu) / 1e9,
          traffic.commands() / recordSecs,
          sends);
      live.close();

      long scanStart = System.nanoTime();
      long inputs = log.count(log.inputs());
      double scanSecs = (System.nanoTime() - scanStart) / 1e9;
      long replies = log.count(List.of(topics.replies.name()));
      long events = log.count(List.of(topics.events.name()));
      System.out.printf(
          "log: %,d input records (otp.quota, otp.requests, otp.commands, otp.delivery.status),"
              + " %,d replies, %,d events; a plain read of the inputs: %.1f s (%,.0f records/s)%n",
          inputs, replies, events, scanSecs, inputs / scanSecs);

      Map<String, String> env =
          Map.of(
              "KAFKA_BOOTSTRAP_SERVERS",
              kafka.bootstrapServers(),
              "OTP_SECRET",
              secret,
              "OTP_REPLAY_TIMEOUT_MS",
              "7200000");
      System.out.printf(
          "%-34s %8s %8s %14s %14s  %s%n",
          "run", "wall s", "cpu s", "records/s", "commands/s", "result");
      Run verify = null;
      double perSecond = 0;
      for (String interval : intervals) { // the default first, then OTP_COMMIT_INTERVAL_MS=...
        Map<String, String> with = new HashMap<>(env);
        if (!interval.isEmpty()) {
          with.put(ProcessorService.COMMIT_INTERVAL_VARIABLE, interval);
        }
        Run v = run(with, true, "replay", "verify");
        Matcher summary = SUMMARY.matcher(v.out);
        Matcher diverged = DIVERGENCES.matcher(v.out);
        long commands = summary.find() ? Long.parseLong(summary.group(1)) : -1;
        System.out.printf(
            "%-34s %8.1f %8.1f %,14.0f %,14.0f  exit %d, %s, %s%n",
            "replay verify" + (interval.isEmpty() ? "" : ", commit " + interval + " ms"),
            v.secs,
            v.cpu,
            inputs / v.secs,
            commands / v.secs,
            v.exit,
            commands < 0 ? "no summary" : summary.group(),
            diverged.find() ? diverged.group() : "no verdict");
        if (verify == null) {
          verify = v;
          perSecond = commands / v.secs;
        }
      }
      Run app = audit(env, events, "audit app " + Traffic.APP, "app", Traffic.APP);
      audit(
          env,
          events,
          "audit subject (one hot subject)",
          "subject",
          Traffic.email(0),
          "--app",
          Traffic.APP);
      System.out.printf(
          "a month of a busy app (1,000,000 commands) at this rate: replay verify %.1f min,"
              + " an audit scan of its events %.1f min%n",
          1_000_000.0 / perSecond / 60,
          1_000_000.0 * events / traffic.commands() / (events / app.secs) / 60);
      System.out.println("-- replay verify's report");
      System.out.print(verify.out);
      if (verify.exit != 0) {
        System.out.print(verify.err);
      }
    }
    kafka.close();
    try (Stream<Path> all = Files.walk(dir)) { // the broker's log and the state: gigabytes at 1M
      all.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    }
  }

  /** A command's exit code, wall time, CPU time of this whole process meanwhile, and output. */
  private record Run(int exit, double secs, double cpu, String out, String err) {}

  /** One audit scan, timed and printed: events read per second. */
  private static Run audit(Map<String, String> env, long events, String label, String... args) {
    String[] all = new String[args.length + 1];
    all[0] = "audit";
    System.arraycopy(args, 0, all, 1, args.length);
    Run r = run(env, false, all);
    System.out.printf(
        "%-34s %8.1f %8.1f %,14.0f %14s  exit %d, %s%n",
        label, r.secs, r.cpu, events / r.secs, "-", r.exit, r.err.strip());
    return r;
  }

  /**
   * One launcher command in this JVM, as an operator runs it; its standard output discarded unless
   * kept.
   */
  private static Run run(Map<String, String> env, boolean keepOut, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    long start = System.nanoTime();
    long cpu = CPU.getProcessCpuTime();
    int exit =
        Main.commandLine(
                env,
                new PrintWriter(keepOut ? out : Writer.nullWriter(), true),
                new PrintWriter(err, true))
            .execute(args);
    return new Run(
        exit,
        (System.nanoTime() - start) / 1e9,
        (CPU.getProcessCpuTime() - cpu) / 1e9,
        out.toString(),
        err.toString());
  }

  private static byte[] encode(Topics topics, Traffic.Out o) {
    return o.value() instanceof DeliveryStatus s
        ? topics.deliveryStatus.valueSerde().serializer().serialize(o.topic(), s)
        : topics.commands.valueSerde().serializer().serialize(o.topic(), (OtpCommand) o.value());
  }

  /** A producer like the api's (acks=all, idempotent), batching as a busy api's would. */
  private static KafkaProducer<String, byte[]> producer(KafkaSettings settings) {
    Properties p = settings.clientProperties("bench-recorder");
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    p.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
    return new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
  }

  private static int freePort() throws java.io.IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
