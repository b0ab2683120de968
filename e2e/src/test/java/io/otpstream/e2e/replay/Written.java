package io.otpstream.e2e.replay;

import io.otpstream.e2e.support.TopicReader;
import io.otpstream.processor.decision.CommandParts;
import io.otpstream.schemas.audit.AuditEvent;
import io.otpstream.schemas.command.OtpCommand;
import io.otpstream.schemas.command.OtpRequested;
import io.otpstream.schemas.command.OtpRetried;
import io.otpstream.schemas.decision.OtpDecision;
import io.otpstream.schemas.delivery.DeliveryRequested;
import io.otpstream.schemas.quota.QuotaRefund;
import io.otpstream.schemas.rules.RuleNames;
import io.otpstream.schemas.topics.TopicSpec;
import io.otpstream.schemas.topics.Topics;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * What the processor wrote on one set of topics (the recorded ones, or a replay's scratch ones),
 * decoded and filed under the request or delivery each record belongs to: decisions, audit events,
 * deliveries, commands a stage passed on to the next (otp.requests, otp.commands) and quota refunds
 * (otp.quota). What the api wrote to those topics is left out, so a recording and its replay
 * compare one to one.
 */
final class Written {
  enum Kind {
    DECISION,
    AUDIT,
    DELIVERY,
    PASSED_ON,
    REFUND
  }

  /**
   * One record, whole (topic, key, timestamp, value), under the id it is compared by; for a
   * decision, the stage that made it.
   */
  record Item(Kind kind, String id, String stage, String record) {
    String what() {
      return kind == Kind.DECISION
          ? "decisions of the " + stage
          : kind.name().toLowerCase().replace('_', ' ') + " records";
    }
  }

  /** A request (or delivery) whose records differ: what was recorded, and what the replay wrote. */
  record Divergence(Kind kind, String id, List<String> expected, List<String> got) {
    /** The records only one side holds, the ones alike left out. */
    String describe() {
      List<String> onlyRecorded = new ArrayList<>(expected);
      got.forEach(onlyRecorded::remove);
      List<String> onlyReplayed = new ArrayList<>(got);
      expected.forEach(onlyReplayed::remove);
      return kind
          + " "
          + id
          + " ("
          + expected.size()
          + " recorded, "
          + got.size()
          + " replayed)\n  only recorded: "
          + onlyRecorded
          + "\n  only replayed: "
          + onlyReplayed;
    }
  }

  final List<Item> items = new ArrayList<>();
  final List<OtpDecision> decisions = new ArrayList<>();
  final List<AuditEvent> events = new ArrayList<>();
  final List<DeliveryRequested> deliveries = new ArrayList<>();
  final List<OtpCommand> passedOn = new ArrayList<>();
  final List<QuotaRefund> refunds = new ArrayList<>();

  /**
   * @param quotaStagePassedOn whether a request id on otp.requests was passed on by the quota stage
   *     (rather than written there by the api)
   */
  static Written read(String bootstrap, Topics t, Predicate<String> quotaStagePassedOn) {
    Written w = new Written();
    for (ConsumerRecord<byte[], byte[]> r : TopicReader.readAll(bootstrap, t.replies.name())) {
      OtpDecision d = decode(t.replies, r);
      w.decisions.add(d);
      w.add(Kind.DECISION, d.getRequestId(), stageOf(d), Topics.REPLIES, r, d);
    }
    for (ConsumerRecord<byte[], byte[]> r : TopicReader.readAll(bootstrap, t.events.name())) {
      AuditEvent e = decode(t.events, r);
      w.events.add(e);
      w.add(
          Kind.AUDIT,
          e.getRequestId() != null ? e.getRequestId() : "delivery status of " + e.getSessionId(),
          null,
          Topics.EVENTS,
          r,
          e);
    }
    for (TopicSpec<String, DeliveryRequested> topic : List.of(t.deliverySms, t.deliveryEmail)) {
      for (ConsumerRecord<byte[], byte[]> r : TopicReader.readAll(bootstrap, topic.name())) {
        DeliveryRequested d = decode(topic, r);
        w.deliveries.add(d);
        w.add(Kind.DELIVERY, d.getDeliveryId(), null, d.getChannel().name(), r, d);
      }
    }
    for (ConsumerRecord<byte[], byte[]> r : TopicReader.readAll(bootstrap, t.quota.name())) {
      if (decode(t.quota, r).getCommand() instanceof QuotaRefund q) {
        w.refunds.add(q);
        w.add(Kind.REFUND, q.getRequestId(), null, Topics.QUOTA, r, q);
      }
    }
    for (ConsumerRecord<byte[], byte[]> r : TopicReader.readAll(bootstrap, t.requests.name())) {
      OtpCommand c = decode(t.requests, r);
      String id = CommandParts.meta(c.getCommand()).getRequestId();
      if (quotaStagePassedOn.test(id)) {
        w.passedOn.add(c);
        w.add(Kind.PASSED_ON, id, null, Topics.REQUESTS, r, c);
      }
    }
    for (ConsumerRecord<byte[], byte[]> r : TopicReader.readAll(bootstrap, t.commands.name())) {
      OtpCommand c = decode(t.commands, r);
      if (c.getCommand() instanceof OtpRequested
          || c.getCommand() instanceof OtpRetried) { // the api writes only checks here
        w.passedOn.add(c);
        w.add(
            Kind.PASSED_ON,
            CommandParts.meta(c.getCommand()).getRequestId(),
            null,
            Topics.COMMANDS,
            r,
            c);
      }
    }
    return w;
  }

  /** The stage that answered, told by the rule: each rule belongs to one stage. */
  static String stageOf(OtpDecision d) {
    String rule = d.getRule();
    if (RuleNames.QUOTA.equals(rule)) {
      return "quota stage";
    }
    return rule != null
            && Set.of(
                    RuleNames.SENDS_PER_IP,
                    RuleNames.RESENDS_PER_IP,
                    RuleNames.ALLOWED_COUNTRIES,
                    RuleNames.PREMIUM_RATE)
                .contains(rule)
        ? "per-IP stage"
        : "session stage";
  }

  /**
   * The request ids the api sent to the quota stage (on otp.quota): what that stage passes on to
   * otp.requests.
   */
  static Set<String> sentToTheQuotaStage(String bootstrap, Topics t) {
    Set<String> ids = new TreeSet<>();
    for (ConsumerRecord<byte[], byte[]> r : TopicReader.readAll(bootstrap, t.quota.name())) {
      Object c = decode(t.quota, r).getCommand();
      if (!(c instanceof QuotaRefund)) {
        ids.add(CommandParts.meta(c).getRequestId());
      }
    }
    return ids;
  }

  /** How many records there are of each {@link Item#what()}, counted from the decoded records. */
  Map<String, Integer> counts() {
    Map<String, Integer> n = new TreeMap<>();
    decisions.forEach(
        d -> n.merge(new Item(Kind.DECISION, "", stageOf(d), "").what(), 1, Integer::sum));
    Map<Kind, Integer> sizes =
        Map.of(
            Kind.AUDIT,
            events.size(),
            Kind.DELIVERY,
            deliveries.size(),
            Kind.PASSED_ON,
            passedOn.size(),
            Kind.REFUND,
            refunds.size());
    sizes.forEach(
        (kind, size) -> {
          if (size > 0) {
            n.put(new Item(kind, "", null, "").what(), size);
          }
        });
    return n;
  }

  /**
   * Compares, id by id, every record this recording holds with what {@code replay} wrote (as a
   * multiset: records of one request may sit in several partitions), and counts in {@code compared}
   * each recorded record the comparison reached.
   */
  List<Divergence> compare(Written replay, Map<String, Integer> compared) {
    List<Divergence> out = new ArrayList<>();
    for (Kind kind : Kind.values()) {
      Map<String, List<Item>> expected = byId(kind);
      Map<String, List<Item>> got = replay.byId(kind);
      Set<String> ids = new TreeSet<>(expected.keySet());
      ids.addAll(got.keySet());
      for (String id : ids) {
        List<Item> e = expected.getOrDefault(id, List.of());
        e.forEach(i -> compared.merge(i.what(), 1, Integer::sum));
        List<String> es = records(e);
        List<String> gs = records(got.getOrDefault(id, List.of()));
        if (!es.equals(gs)) {
          out.add(new Divergence(kind, id, es, gs));
        }
      }
    }
    return out;
  }

  private Map<String, List<Item>> byId(Kind kind) {
    return items.stream()
        .filter(i -> i.kind() == kind)
        .collect(Collectors.groupingBy(Item::id, TreeMap::new, Collectors.toList()));
  }

  private static List<String> records(List<Item> items) {
    return items.stream().map(Item::record).sorted().toList();
  }

  private void add(
      Kind kind,
      String id,
      String stage,
      String topic,
      ConsumerRecord<byte[], byte[]> r,
      Object value) {
    items.add(
        new Item(
            kind,
            id,
            stage,
            topic
                + " key="
                + new String(r.key(), StandardCharsets.UTF_8)
                + " timestamp="
                + r.timestamp()
                + " "
                + value));
  }

  private static <V> V decode(TopicSpec<String, V> topic, ConsumerRecord<byte[], byte[]> r) {
    return topic.valueSerde().deserializer().deserialize(r.topic(), r.value());
  }
}
