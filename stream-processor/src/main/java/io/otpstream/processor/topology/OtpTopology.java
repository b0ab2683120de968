package io.otpstream.processor.topology;

import io.otpstream.common.code.OtpCodes;
import io.otpstream.processor.session.SessionPolicy;
import io.otpstream.processor.session.SessionProcessor;
import io.otpstream.processor.session.SessionRules;
import io.otpstream.schemas.decision.OtpDecision;
import io.otpstream.schemas.serde.AvroSerde;
import io.otpstream.schemas.session.SessionState;
import io.otpstream.schemas.topics.Topics;
import java.util.Optional;
import java.util.Set;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.StreamPartitioner;
import org.apache.kafka.streams.state.Stores;

/**
 * The processor's one topology, a pure function of its configuration so tests build it without
 * a broker. Commands (keyed by subject) go through the session decider, which owns the session
 * store and emits replies, deliveries and audit events in the same transaction.
 */
public final class OtpTopology {
  private OtpTopology() {
  }

  public static Topology build(Topics topics, OtpCodes codes, SessionPolicy policy) {
    Serializer<SpecificRecord> any = AvroSerde.anyRecordSerializer();
    Serializer<String> keys = Serdes.String().serializer();
    Topology t = new Topology();
    t.addSource(Names.COMMANDS_SOURCE, Serdes.String().deserializer(), topics.commands.valueSerde().deserializer(),
        topics.commands.name());
    SessionRules rules = new SessionRules(codes);
    t.addProcessor(Names.SESSION_DECIDER, () -> new SessionProcessor(rules, policy), Names.COMMANDS_SOURCE);
    t.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(Names.SESSION_STORE),
        Serdes.String(), AvroSerde.of(SessionState.class)), Names.SESSION_DECIDER);
    t.addSink(Names.REPLIES_SINK, topics.replies.name(), keys, any, replyPartitioner(), Names.SESSION_DECIDER);
    t.addSink(Names.DELIVERY_SMS_SINK, topics.deliverySms.name(), keys, any, Names.SESSION_DECIDER);
    t.addSink(Names.DELIVERY_EMAIL_SINK, topics.deliveryEmail.name(), keys, any, Names.SESSION_DECIDER);
    t.addSink(Names.EVENTS_SINK, topics.events.name(), keys, any, Names.SESSION_DECIDER);
    return t;
  }

  /** A reply goes to the partition its waiting api instance reads, named on the command. */
  private static StreamPartitioner<String, SpecificRecord> replyPartitioner() {
    return new StreamPartitioner<>() {
      @Override
      public Optional<Set<Integer>> partitions(String topic, String key, SpecificRecord value, int numPartitions) {
        int p = ((OtpDecision) value).getReplyPartition();
        return Optional.of(Set.of(Math.floorMod(p, numPartitions)));
      }
    };
  }
}
