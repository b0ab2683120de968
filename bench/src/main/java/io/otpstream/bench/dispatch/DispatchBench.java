package io.otpstream.bench.dispatch;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.otpstream.bench.growth.BenchArgs;
import io.otpstream.bench.load.LoadAverage;
import io.otpstream.common.kafka.KafkaSettings;
import io.otpstream.common.secret.Secrets;
import io.otpstream.dev.broker.EmbeddedKafka;
import io.otpstream.dispatcher.delivery.ChannelDispatcher;
import io.otpstream.dispatcher.delivery.DeliveryTuning;
import io.otpstream.dispatcher.email.EmailDispatcher;
import io.otpstream.dispatcher.email.SmtpProvider;
import io.otpstream.dispatcher.email.SmtpSettings;
import io.otpstream.dispatcher.sms.SmsDispatcher;
import io.otpstream.dispatcher.sms.http.HttpSmsProvider;
import io.otpstream.dispatcher.sms.http.HttpSmsSettings;
import io.otpstream.schemas.common.Channel;
import io.otpstream.schemas.topics.TopicBootstrap;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.admin.Admin;

/**
 * Issue 15 point 4: one dispatcher instance's maximum rate. For each run, N delivery commands are
 * written to the channel's input topic in advance ({@link DeliveryFill}), then one dispatcher
 * instance (the service's own class, a fresh one per run, in this JVM) is started and timed until
 * the server has received all N: a fast HTTP SMS provider in this JVM ({@link FastSmsServer}), or
 * GreenMail's SMTP server. One broker in this JVM too.
 *
 * <p>Arguments, {@code name=value}: {@code n} (20000), {@code runs}: comma-separated {@code
 * channel:maxInFlight:ratePerSecond}, e.g. {@code sms:8:50} (the default tuning), {@code
 * sms:8:1000000} (no rate cap). A run whose rate cap is below n/20 s writes cap × 20 deliveries.
 */
public final class DispatchBench {
  private DispatchBench() {}

  public static void main(String[] args) {
    try {
      run(BenchArgs.parse(args));
      System.exit(0);
    } catch (Exception | Error e) {
      e.printStackTrace();
      System.exit(1);
    }
  }

  private static void run(BenchArgs a) throws Exception {
    long n = Long.parseLong(a.get("n", "20000"));
    String runs = a.get("runs", "sms:8:50,sms:8:1000000,sms:64:1000000,email:8:1000000");
    Path dir = Files.createTempDirectory("otp-dispatch-bench");
    EmbeddedKafka kafka = new EmbeddedKafka(dir.resolve("kafka"), freePort(), freePort()).start();
    KafkaSettings settings = KafkaSettings.of(kafka.bootstrapServers());
    try (Admin admin = Admin.create(settings.clientProperties("bench-topics"))) {
      TopicBootstrap.ensure(admin, settings.topics(), (short) 1);
      awaitLeaders(admin);
    }
    Secrets secrets = new Secrets(Secrets.randomBytes(32));
    GreenMail smtp =
        new GreenMail(new ServerSetup(freePort(), "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
    smtp.start();
    System.out.printf(
        "otpstream dispatch bench: 1 broker, %d cores, Java %s; one dispatcher instance per run%n",
        Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"));
    System.out.printf(
        "%-6s %9s %8s %8s %9s %9s %9s %10s %12s  %s%n",
        "server",
        "in flight",
        "rate cap",
        "n",
        "first s",
        "all s",
        "msgs/s",
        "steady/s",
        "cpu s",
        "load (1 5 15 min) at end");
    long written = 0;
    try (FastSmsServer sms = new FastSmsServer()) {
      for (String spec : runs.split(",")) {
        String[] f = spec.strip().split(":");
        Channel channel = f[0].equals("sms") ? Channel.SMS : Channel.EMAIL;
        int inFlight = Integer.parseInt(f[1]);
        int rate = Integer.parseInt(f[2]);
        long count = Math.min(n, (long) rate * 20);
        long planned = count;
        count = DeliveryFill.write(settings, secrets, channel, written, planned);
        written += planned;
        DeliveryTuning tuning = new DeliveryTuning(Duration.ofSeconds(2), 5, inFlight, rate);
        LongSupplier received =
            channel == Channel.SMS ? sms::received : () -> smtp.getReceivedMessages().length;
        long before = received.getAsLong();
        ChannelDispatcher d =
            channel == Channel.SMS
                ? new SmsDispatcher(
                    settings,
                    secrets,
                    new HttpSmsProvider(
                        new HttpSmsSettings(URI.create(sms.url()), null, null, null, null, null)),
                    Clock.systemUTC(),
                    tuning,
                    new SimpleMeterRegistry())
                : new EmailDispatcher(
                    settings,
                    secrets,
                    new SmtpProvider(
                        new SmtpSettings(
                            "127.0.0.1",
                            smtp.getSmtp().getPort(),
                            false,
                            null,
                            null,
                            "bench <no-reply@dispatch.example>")),
                    Clock.systemUTC(),
                    tuning,
                    new SimpleMeterRegistry());
        long cpu = ProcessCpuTime.nanos();
        long start = System.nanoTime();
        d.start();
        long first = 0;
        long got = 0;
        long deadline = start + Duration.ofMinutes(20).toNanos();
        while (got < count && System.nanoTime() < deadline) {
          Thread.sleep(channel == Channel.SMS ? 10 : 250);
          got = received.getAsLong() - before;
          if (first == 0 && got > 0) {
            first = System.nanoTime();
          }
        }
        long end = System.nanoTime();
        double cpuSecs = (ProcessCpuTime.nanos() - cpu) / 1e9;
        d.close();
        double all = (end - start) / 1e9;
        double fromFirst = (end - first) / 1e9;
        System.out.printf(
            "%-6s %9d %8d %8d %9.2f %9.2f %9.0f %10.0f %12.1f  %s%s%n",
            channel == Channel.SMS ? "http" : "smtp",
            inFlight,
            rate,
            count,
            (first - start) / 1e9,
            all,
            got / all,
            got / fromFirst,
            cpuSecs,
            LoadAverage.now(),
            got < count ? "  (only " + got + " received)" : "");
      }
    }
    smtp.stop();
    kafka.close();
    try (java.util.stream.Stream<Path> all = Files.walk(dir)) { // gigabytes at 1M
      all.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    }
  }

  /** Until every partition of the delivery topics has a leader: a new broker elects them late. */
  private static void awaitLeaders(Admin admin) throws Exception {
    List<String> names = List.of("otp.delivery.sms", "otp.delivery.email", "otp.delivery.sent");
    long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
    while (!admin.describeTopics(names).allTopicNames().get().values().stream()
        .allMatch(d -> d.partitions().stream().allMatch(p -> p.leader() != null))) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("no leaders for the delivery topics after 2 min");
      }
      Thread.sleep(200);
    }
    Thread.sleep(2000);
  }

  private static int freePort() throws java.io.IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
