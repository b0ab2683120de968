package io.otpstream.processor.decision;

import io.otpstream.common.settings.DefaultSettings;
import io.otpstream.schemas.apps.AppSettings;
import io.otpstream.schemas.command.CommandMeta;

/**
 * The settings a command is decided with: the version the api saw, carried on the command, so a
 * replay decides with the settings in force then; the built-in defaults when it carries none.
 */
public final class SettingsInForce {
  private SettingsInForce() {}

  public static AppSettings of(CommandMeta m) {
    return m.getSettings() != null ? m.getSettings() : DefaultSettings.of(m.getAppId());
  }
}
