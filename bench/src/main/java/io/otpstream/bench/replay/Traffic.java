package io.otpstream.bench.replay;

import io.otpstream.api.address.ClientAddresses;
import io.otpstream.api.destination.CommandDestinations;
import io.otpstream.api.destination.Destinations;
import io.otpstream.api.subject.Subjects;
import io.otpstream.common.code.OtpCodes;
import io.otpstream.common.destination.SealedDestinations;
import io.otpstream.common.secret.Secrets;
import io.otpstream.common.settings.DefaultSettings;
import io.otpstream.schemas.apps.AppSettings;
import io.otpstream.schemas.command.CommandMeta;
import io.otpstream.schemas.command.OtpCheckRequested;
import io.otpstream.schemas.command.OtpCommand;
import io.otpstream.schemas.command.OtpRequested;
import io.otpstream.schemas.command.OtpRetried;
import io.otpstream.schemas.command.SubmittedCode;
import io.otpstream.schemas.common.Channel;
import io.otpstream.schemas.delivery.DeliveryRequested;
import io.otpstream.schemas.delivery.DeliveryState;
import io.otpstream.schemas.delivery.DeliveryStatus;
import io.otpstream.schemas.topics.EntryStage;
import io.otpstream.schemas.topics.Topics;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;

/**
 * The traffic of one busy app, made round by round as the api and the dispatchers would write it
 * (same commands, keys and entry topics: {@link EntryStage}), without HTTP. A round holds new sends
 * (from many subjects and addresses, a few of them hot enough to hit the per-subject and per-IP
 * limits; some to a phone and an email; some idempotent, a few of those repeated), the follow-ups
 * of the sessions the previous rounds started (resends, right and wrong codes, abandoned ones) and
 * the dispatchers' statuses of the deliveries the processor requested. A follow-up comes one round
 * after what it follows has been decided, as a user answers a code they received.
 */
final class Traffic {
  static final String APP = "bench";

  /** One record to write: topic, key, event time, value. */
  record Out(String topic, String key, long at, SpecificRecord value) {}

  private record Session(String id, int subject, int ip, List<Channel> channels, boolean resent) {}

  private final Topics topics;
  private final Random rnd = new Random(42);
  private final Subjects subjects;
  private final ClientAddresses addresses;
  private final CommandDestinations destinations;
  private final OtpCodes codes;
  private final AppSettings settings;
  private final int subjectPool;
  private final int ipPool;
  private final Map<String, Session> open = new HashMap<>();
  private final Map<String, Integer> generation = new HashMap<>();
  private final List<DeliveryRequested> requested = new ArrayList<>();
  private long commands;

  Traffic(Topics topics, Secrets secrets, int planned, Instant settingsAt) {
    this.topics = topics;
    this.subjects = new Subjects(secrets);
    this.addresses = new ClientAddresses(secrets, ClientAddresses.DEFAULT_IPV6_PREFIX);
    this.destinations = new CommandDestinations(new SealedDestinations(secrets));
    this.codes = new OtpCodes(secrets);
    this.settings =
        AppSettings.newBuilder(DefaultSettings.of(APP))
            .setVersion(1)
            .setUpdatedAt(settingsAt)
            .build();
    this.subjectPool = Math.max(1000, planned / 3);
    this.ipPool = Math.max(5000, planned / 10);
  }

  /** Commands written so far (sends, resends, checks; not statuses). */
  long commands() {
    return commands;
  }

  /** A delivery the processor requested: the session started, its status is due next round. */
  void requested(DeliveryRequested d) {
    requested.add(d);
    generation.merge(d.getSessionId(), d.getGeneration(), Math::max);
  }

  /**
   * The next round: {@code sends} new sends, at event times in {@code [from, from + span)}, in time
   * order.
   */
  List<Out> round(int sends, long from, long span) {
    List<Out> out = new ArrayList<>();
    for (DeliveryRequested d : requested) {
      out.add(status(d, from + (long) (rnd.nextDouble() * span / 4)));
    }
    requested.clear();
    for (Iterator<Map.Entry<String, Session>> it = open.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<String, Session> e = it.next();
      Session s = e.getValue();
      Integer gen = generation.get(s.id());
      if (gen == null) { // refused: no session to follow up
        it.remove();
        continue;
      }
      long at = from + (long) (rnd.nextDouble() * span * 0.8);
      double p = rnd.nextDouble();
      if (!s.resent() && p < 0.12) {
        out.add(resend(s, at)); // checked next round, with the code it then has
        e.setValue(new Session(s.id(), s.subject(), s.ip(), s.channels(), true));
        continue;
      }
      it.remove();
      generation.remove(s.id());
      if (p > 0.92) {
        continue; // abandoned
      }
      if (p > 0.84) {
        out.add(check(s, at, wrongCode(s, gen)));
        at += 1 + (long) (rnd.nextDouble() * span * 0.1);
      }
      out.add(check(s, at, codes.code(APP, s.id(), gen, settings.getOtpLength())));
    }
    for (int i = 0; i < sends; i++) {
      long at = from + (long) (rnd.nextDouble() * span);
      send(at, out);
    }
    out.sort(Comparator.comparingLong(Out::at));
    return out;
  }

  private void send(long at, List<Out> out) {
    int subject = rnd.nextDouble() < 0.01 ? rnd.nextInt(20) : 20 + rnd.nextInt(subjectPool - 20);
    int ip = rnd.nextDouble() < 0.03 ? rnd.nextInt(5) : 5 + rnd.nextInt(ipPool - 5);
    String phone = subject % 10 >= 6 ? phone(subject) : null;
    String email = subject % 10 < 6 || subject % 10 == 9 ? email(subject) : null;
    List<Channel> channels = new ArrayList<>();
    if (phone != null) {
      channels.add(Channel.SMS);
    }
    if (email != null) {
      channels.add(Channel.EMAIL);
    }
    boolean idempotent = rnd.nextDouble() < 0.02;
    String requestId = idempotent ? "idem_" + uuid() : "req_" + uuid();
    int repeats = idempotent && rnd.nextDouble() < 0.2 ? 2 : 1;
    for (int r = 0; r < repeats; r++) { // a repeat is a new session id under the same request id
      String sessionId = "ses_" + uuid().replace("-", "");
      CommandMeta meta = meta(requestId, idempotent ? "key-" + requestId : null, ip, at + r * 500L);
      OtpRequested command =
          destinations
              .apply(OtpRequested.newBuilder(), APP, phone, email)
              .setMeta(meta)
              .setSessionId(sessionId)
              .setSubjectId(subjects.subjectId(APP, phone != null ? phone : email))
              .setSecondarySubjectId(
                  phone != null && email != null ? subjects.subjectId(APP, email) : null)
              .setChannels(channels)
              .build();
      out.add(entry(command, meta));
      if (r == 0) {
        open.put(sessionId, new Session(sessionId, subject, ip, List.copyOf(channels), false));
      }
    }
  }

  private Out resend(Session s, long at) {
    String phone = s.channels().contains(Channel.SMS) ? phone(s.subject()) : null;
    String email = s.channels().contains(Channel.EMAIL) ? email(s.subject()) : null;
    CommandMeta meta = meta("req_" + uuid(), null, s.ip(), at);
    OtpRetried command =
        OtpRetried.newBuilder()
            .setMeta(meta)
            .setSessionId(s.id())
            .setSubjectId(subjects.subjectId(APP, phone != null ? phone : email))
            .setSecondarySubjectId(
                phone != null && email != null ? subjects.subjectId(APP, email) : null)
            .setChannels(s.channels())
            .build();
    return entry(command, meta);
  }

  private Out check(Session s, long at, String code) {
    String primary = s.channels().contains(Channel.SMS) ? phone(s.subject()) : email(s.subject());
    String subjectId = subjects.subjectId(APP, primary);
    CommandMeta meta = meta("req_" + uuid(), null, s.ip(), at);
    OtpCheckRequested command =
        OtpCheckRequested.newBuilder()
            .setMeta(meta)
            .setSessionId(s.id())
            .setSubjectId(subjectId)
            .setCodes(
                List.of(
                    new SubmittedCode(
                        s.channels().get(0), ByteBuffer.wrap(codes.checkMac(APP, s.id(), code)))))
            .build();
    commands++;
    return new Out(topics.commands.name(), subjectId, at, new OtpCommand(command));
  }

  private String wrongCode(Session s, int gen) {
    String right = codes.code(APP, s.id(), gen, settings.getOtpLength());
    String wrong;
    do {
      wrong = String.format("%06d", rnd.nextInt(1_000_000));
    } while (wrong.equals(right));
    return wrong;
  }

  private Out entry(Object command, CommandMeta meta) {
    EntryStage.Route route = EntryStage.ofSendOrResend(topics, meta);
    commands++;
    return new Out(
        route.topic().name(),
        route.key(),
        meta.getOccurredAt().toEpochMilli(),
        new OtpCommand(command));
  }

  private CommandMeta meta(String requestId, String idempotencyKey, int ip, long at) {
    ClientAddresses.Source source = addresses.source(APP, address(ip));
    return CommandMeta.newBuilder()
        .setRequestId(requestId)
        .setIdempotencyKey(idempotencyKey)
        .setOccurredAt(Instant.ofEpochMilli(at))
        .setAppId(APP)
        .setClientIp(source.addressId())
        .setIpKey(source.limitKey())
        .setReplyTopic(topics.replies.name())
        .setReplyPartition(rnd.nextInt(3)) // three api instances
        .setSettingsVersion(settings.getVersion())
        .setSettings(settings)
        .build();
  }

  private Out status(DeliveryRequested d, long at) {
    DeliveryStatus s =
        DeliveryStatus.newBuilder()
            .setDeliveryId(d.getDeliveryId())
            .setSessionId(d.getSessionId())
            .setSubjectId(d.getSubjectId())
            .setAppId(d.getAppId())
            .setChannel(d.getChannel())
            .setState(DeliveryState.SENT)
            .setProvider(d.getChannel() == Channel.SMS ? "bench-sms" : "bench-email")
            .setProviderMessageId("msg_" + uuid())
            .setAttempt(1)
            .setOccurredAt(Instant.ofEpochMilli(at))
            .build();
    return new Out(topics.deliveryStatus.name(), d.getSubjectId(), at, s);
  }

  /** The address of client {@code i}: 10.x.y.z. */
  static String address(int i) {
    return "10." + (i >> 16 & 255) + "." + (i >> 8 & 255) + "." + (i & 255);
  }

  /** Subject {@code i}'s email (subjects 0-5 and 9 of each ten have one). */
  static String email(int i) {
    return Destinations.email("user" + i + "@bench.example").orElseThrow();
  }

  /** Subject {@code i}'s phone, a French mobile (subjects 6-9 of each ten have one). */
  static String phone(int i) {
    return Destinations.phone(String.format("+336%08d", i % 100_000_000)).orElseThrow();
  }

  private String uuid() {
    return new UUID(rnd.nextLong(), rnd.nextLong()).toString();
  }
}
