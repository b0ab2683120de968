package io.otpstream.processor.session;

import io.otpstream.processor.topology.Names;
import io.otpstream.schemas.audit.AuditEvent;
import io.otpstream.schemas.command.CommandMeta;
import io.otpstream.schemas.command.OtpCheckRequested;
import io.otpstream.schemas.command.OtpCommand;
import io.otpstream.schemas.command.OtpRequested;
import io.otpstream.schemas.command.OtpRetried;
import io.otpstream.schemas.common.Channel;
import io.otpstream.schemas.delivery.DeliveryRequested;
import io.otpstream.schemas.session.SessionState;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Adapts {@link SessionRules} to the topology: reads the session from the store, decides, writes
 * the new state, and forwards the reply, the deliveries and the audit events to their sinks.
 * Input is keyed by subject id; the session store is keyed by session id.
 */
public final class SessionProcessor implements Processor<String, OtpCommand, String, SpecificRecord> {
  private static final Logger log = LoggerFactory.getLogger(SessionProcessor.class);

  private final SessionRules rules;
  private final SessionPolicy policy;
  private ProcessorContext<String, SpecificRecord> context;
  private KeyValueStore<String, SessionState> sessions;

  public SessionProcessor(SessionRules rules, SessionPolicy policy) {
    this.rules = rules;
    this.policy = policy;
  }

  @Override
  public void init(ProcessorContext<String, SpecificRecord> context) {
    this.context = context;
    this.sessions = context.getStateStore(Names.SESSION_STORE);
  }

  @Override
  public void process(Record<String, OtpCommand> record) {
    Object command = record.value() == null ? null : record.value().getCommand();
    Decided decided;
    String sessionId;
    if (command instanceof OtpRequested c) {
      sessionId = c.getSessionId();
      decided = rules.onRequested(c, sessions.get(sessionId), policy);
    } else if (command instanceof OtpRetried c) {
      sessionId = c.getSessionId();
      decided = rules.onRetried(c, sessions.get(sessionId), policy);
    } else if (command instanceof OtpCheckRequested c) {
      sessionId = c.getSessionId();
      decided = rules.onCheck(c, sessions.get(sessionId));
    } else {
      log.warn("skipping an empty or unknown command at key {}", record.key());
      return;
    }
    if (decided.newState() != null) {
      sessions.put(sessionId, decided.newState());
    }
    long ts = record.timestamp();
    if (meta(command).getReplyTopic() != null) {
      context.forward(new Record<String, SpecificRecord>(decided.reply().getRequestId(), decided.reply(), ts), Names.REPLIES_SINK);
    }
    for (DeliveryRequested d : decided.deliveries()) {
      String sink = d.getChannel() == Channel.SMS ? Names.DELIVERY_SMS_SINK : Names.DELIVERY_EMAIL_SINK;
      context.forward(new Record<String, SpecificRecord>(d.getSubjectId(), d, ts), sink);
    }
    for (AuditEvent e : decided.events()) {
      context.forward(new Record<String, SpecificRecord>(e.getSubjectId(), e, ts), Names.EVENTS_SINK);
    }
  }

  private static CommandMeta meta(Object command) {
    if (command instanceof OtpRequested c) {
      return c.getMeta();
    }
    if (command instanceof OtpRetried c) {
      return c.getMeta();
    }
    return ((OtpCheckRequested) command).getMeta();
  }
}
