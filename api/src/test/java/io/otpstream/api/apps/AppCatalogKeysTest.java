package io.otpstream.api.apps;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Locale;
import org.junit.jupiter.api.Test;

class AppCatalogKeysTest {

  @Test
  void a_settings_key_has_ascii_digits_whatever_the_default_locale() {
    Locale before = Locale.getDefault();
    try {
      Locale.setDefault(Locale.forLanguageTag("ar-EG"));
      assertEquals("settings/demo/000000000042", AppCatalog.settingsKey("demo", 42));
    } finally {
      Locale.setDefault(before);
    }
  }
}
