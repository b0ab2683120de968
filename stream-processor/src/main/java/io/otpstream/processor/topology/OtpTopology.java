package io.otpstream.processor.topology;

import io.otpstream.common.code.OtpCodes;
import io.otpstream.processor.limits.RequestLimiter;
import io.otpstream.processor.quota.QuotaKeeper;
import io.otpstream.processor.session.SessionProcessor;
import io.otpstream.processor.session.SessionRules;
import io.otpstream.processor.streams.DecisionMeter;
import io.otpstream.processor.streams.SettingsOverride;
import io.otpstream.schemas.apps.AppSettings;
import io.otpstream.schemas.decision.OtpDecision;
import io.otpstream.schemas.limits.SlidingWindow;
import io.otpstream.schemas.quota.QuotaState;
import io.otpstream.schemas.serde.AvroSerde;
import io.otpstream.schemas.session.SessionState;
import io.otpstream.schemas.topics.Topics;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.StreamPartitioner;
import org.apache.kafka.streams.state.Stores;

/**
 * The processor's topology, a pure function of its configuration so tests build it without a
 * broker. Three stages, each reading one recorded topic, so that re-running a stage over its
 * recorded input reproduces its decisions one by one:
 *
 * <ol>
 *   <li>{@code otp.quota} (live sends and resends of apps with a quota and refunds, keyed by app;
 *       other sends to a phone and idempotent requests, keyed by one of the app's shards) through
 *       the quota keeper (quota, sends per number block) to {@code otp.requests};
 *   <li>{@code otp.requests} (sends and resends, keyed by client IP) through the request limiter
 *       (destination rules, per-IP windows) to {@code otp.commands};
 *   <li>{@code otp.commands} (keyed by subject; checks come here directly from the api) through the
 *       session decider, which owns sessions and the per-subject windows. A request to two
 *       destinations comes first under its second subject, is counted there and written back to
 *       {@code otp.commands} under its own.
 * </ol>
 *
 * Both answer on {@code otp.replies} and audit on {@code otp.events}; the decider also writes the
 * delivery topics. {@code read} and {@code write} differ only when a replay reads recorded topics
 * and writes scratch ones.
 */
public final class OtpTopology {
  private OtpTopology() {}

  public static Topology build(Topics topics, OtpCodes codes) {
    return build(topics, topics, codes);
  }

  public static Topology build(Topics read, Topics write, OtpCodes codes) {
    return build(read, write, codes, DecisionMeter.NONE);
  }

  /**
   * {@code meter} is told of every decision a stage forwards (the processor's decision counter).
   */
  public static Topology build(Topics read, Topics write, OtpCodes codes, DecisionMeter meter) {
    return build(read, write, codes, meter, null);
  }

  /**
   * A backtest's topology: as {@link #build(Topics, Topics, OtpCodes)}, with every command given
   * the settings {@code settings} makes of those it carried before its stage decides it (a node
   * {@code *-settings} after each command source).
   */
  public static Topology backtest(
      Topics read, Topics write, OtpCodes codes, UnaryOperator<AppSettings> settings) {
    return build(read, write, codes, DecisionMeter.NONE, settings);
  }

  private static Topology build(
      Topics read,
      Topics write,
      OtpCodes codes,
      DecisionMeter meter,
      UnaryOperator<AppSettings> settings) {
    Serializer<SpecificRecord> any = write.anyValueSerializer();
    Serializer<String> keys = Serdes.String().serializer();
    Topology t = new Topology();

    t.addSource(
        Names.QUOTA_SOURCE,
        Serdes.String().deserializer(),
        read.quota.valueSerde().deserializer(),
        read.quota.name());
    t.addProcessor(
        Names.QUOTA_KEEPER,
        () -> new QuotaKeeper(meter),
        decided(t, Names.QUOTA_SOURCE, Names.QUOTA_SETTINGS, settings));
    t.addStateStore(
        Stores.keyValueStoreBuilder(
            Stores.persistentKeyValueStore(Names.QUOTA_STORE),
            Serdes.String(),
            AvroSerde.of(QuotaState.class)),
        Names.QUOTA_KEEPER);
    t.addStateStore(
        Stores.keyValueStoreBuilder(
            Stores.persistentKeyValueStore(Names.QUOTA_IDEMPOTENCY_STORE),
            Serdes.String(),
            AvroSerde.of(OtpDecision.class)),
        Names.QUOTA_KEEPER);
    t.addStateStore(
        Stores.keyValueStoreBuilder(
            Stores.persistentKeyValueStore(Names.NUMBER_BLOCK_WINDOW_STORE),
            Serdes.String(),
            AvroSerde.of(SlidingWindow.class)),
        Names.QUOTA_KEEPER);
    t.addSink(Names.QUOTA_ADMITTED_SINK, write.requests.name(), keys, any, Names.QUOTA_KEEPER);
    t.addSink(
        Names.QUOTA_REPLIES_SINK,
        write.replies.name(),
        keys,
        any,
        replyPartitioner(),
        Names.QUOTA_KEEPER);
    t.addSink(Names.QUOTA_EVENTS_SINK, write.events.name(), keys, any, Names.QUOTA_KEEPER);

    t.addSource(
        Names.REQUESTS_SOURCE,
        Serdes.String().deserializer(),
        read.requests.valueSerde().deserializer(),
        read.requests.name());
    t.addProcessor(
        Names.REQUEST_LIMITER,
        () -> new RequestLimiter(meter),
        decided(t, Names.REQUESTS_SOURCE, Names.REQUESTS_SETTINGS, settings));
    t.addStateStore(
        Stores.keyValueStoreBuilder(
            Stores.persistentKeyValueStore(Names.IP_WINDOW_STORE),
            Serdes.String(),
            AvroSerde.of(SlidingWindow.class)),
        Names.REQUEST_LIMITER);
    t.addStateStore(
        Stores.keyValueStoreBuilder(
            Stores.persistentKeyValueStore(Names.IP_IDEMPOTENCY_STORE),
            Serdes.String(),
            AvroSerde.of(OtpDecision.class)),
        Names.REQUEST_LIMITER);
    t.addSink(Names.ADMITTED_SINK, write.commands.name(), keys, any, Names.REQUEST_LIMITER);
    t.addSink(
        Names.LIMITER_REPLIES_SINK,
        write.replies.name(),
        keys,
        any,
        replyPartitioner(),
        Names.REQUEST_LIMITER);
    t.addSink(Names.LIMITER_EVENTS_SINK, write.events.name(), keys, any, Names.REQUEST_LIMITER);
    t.addSink(Names.LIMITER_REFUNDS_SINK, write.quota.name(), keys, any, Names.REQUEST_LIMITER);

    t.addSource(
        Names.COMMANDS_SOURCE,
        Serdes.String().deserializer(),
        read.commands.valueSerde().deserializer(),
        read.commands.name());
    SessionRules rules = new SessionRules(codes);
    // the dispatchers' reports, keyed by subject like the commands (co-partitioned): the session
    // records them
    t.addSource(
        Names.DELIVERY_STATUS_SOURCE,
        Serdes.String().deserializer(),
        read.deliveryStatus.valueSerde().deserializer(),
        read.deliveryStatus.name());
    t.addProcessor(
        Names.SESSION_DECIDER,
        () -> new SessionProcessor(rules, meter),
        decided(t, Names.COMMANDS_SOURCE, Names.COMMANDS_SETTINGS, settings),
        Names.DELIVERY_STATUS_SOURCE);
    t.addStateStore(
        Stores.keyValueStoreBuilder(
            Stores.persistentKeyValueStore(Names.SESSION_STORE),
            Serdes.String(),
            AvroSerde.of(SessionState.class)),
        Names.SESSION_DECIDER);
    t.addStateStore(
        Stores.keyValueStoreBuilder(
            Stores.persistentKeyValueStore(Names.SUBJECT_WINDOW_STORE),
            Serdes.String(),
            AvroSerde.of(SlidingWindow.class)),
        Names.SESSION_DECIDER);
    t.addStateStore(
        Stores.keyValueStoreBuilder(
            Stores.persistentKeyValueStore(Names.SESSION_IDEMPOTENCY_STORE),
            Serdes.String(),
            AvroSerde.of(OtpDecision.class)),
        Names.SESSION_DECIDER);
    t.addStateStore(
        Stores.keyValueStoreBuilder(
            Stores.persistentKeyValueStore(Names.SUBJECT_SESSION_STORE),
            Serdes.String(),
            Serdes.String()),
        Names.SESSION_DECIDER);
    t.addStateStore(
        Stores.keyValueStoreBuilder(
            Stores.persistentKeyValueStore(Names.USED_CHALLENGE_STORE),
            Serdes.String(),
            Serdes.Long()),
        Names.SESSION_DECIDER);

    t.addSink(
        Names.REPLIES_SINK,
        write.replies.name(),
        keys,
        any,
        replyPartitioner(),
        Names.SESSION_DECIDER);
    t.addSink(Names.EVENTS_SINK, write.events.name(), keys, any, Names.SESSION_DECIDER);
    t.addSink(Names.DELIVERY_SMS_SINK, write.deliverySms.name(), keys, any, Names.SESSION_DECIDER);
    t.addSink(
        Names.DELIVERY_EMAIL_SINK, write.deliveryEmail.name(), keys, any, Names.SESSION_DECIDER);
    t.addSink(Names.REFUNDS_SINK, write.quota.name(), keys, any, Names.SESSION_DECIDER);
    t.addSink(
        Names.SECONDARY_COUNTED_SINK, write.commands.name(), keys, any, Names.SESSION_DECIDER);
    return t;
  }

  /**
   * The node a stage reads its commands from: the source itself, or in a backtest a node after it
   * that gives each command the backtest's settings.
   */
  private static String decided(
      Topology t, String source, String overrideNode, UnaryOperator<AppSettings> settings) {
    if (settings == null) {
      return source;
    }
    t.addProcessor(overrideNode, () -> new SettingsOverride(settings), source);
    return overrideNode;
  }

  /** A reply goes to the partition its waiting api instance reads, named on the command. */
  private static StreamPartitioner<String, SpecificRecord> replyPartitioner() {
    return new StreamPartitioner<>() {
      @Override
      public Optional<Set<Integer>> partitions(
          String topic, String key, SpecificRecord value, int numPartitions) {
        int p = ((OtpDecision) value).getReplyPartition();
        return Optional.of(Set.of(Math.floorMod(p, numPartitions)));
      }
    };
  }
}
