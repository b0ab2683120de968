package io.otpstream.processor.streams;

import io.otpstream.processor.decision.CommandParts;
import io.otpstream.processor.decision.SettingsInForce;
import io.otpstream.schemas.apps.AppSettings;
import io.otpstream.schemas.command.CommandMeta;
import io.otpstream.schemas.command.OtpCommand;
import java.util.function.UnaryOperator;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * A backtest's first step before each stage: every recorded command goes on with the settings
 * {@code settings} makes of the ones it carried, so the stage decides it as it would have under
 * them. Anything that carries no settings (a quota refund) passes unchanged.
 */
public final class SettingsOverride
    implements Processor<String, SpecificRecord, String, SpecificRecord> {
  private final UnaryOperator<AppSettings> settings;
  private ProcessorContext<String, SpecificRecord> context;

  public SettingsOverride(UnaryOperator<AppSettings> settings) {
    this.settings = settings;
  }

  @Override
  public void init(ProcessorContext<String, SpecificRecord> context) {
    this.context = context;
  }

  @Override
  public void process(Record<String, SpecificRecord> record) {
    context.forward(record.withValue(overridden(record.value())));
  }

  private SpecificRecord overridden(SpecificRecord value) {
    if (!(value instanceof OtpCommand c)) {
      return value;
    }
    CommandMeta m = CommandParts.meta(c.getCommand());
    if (m == null) {
      return value;
    }
    CommandMeta meta =
        CommandMeta.newBuilder(m).setSettings(settings.apply(SettingsInForce.of(m))).build();
    return OtpCommand.newBuilder(c).setCommand(CommandParts.withMeta(c.getCommand(), meta)).build();
  }
}
