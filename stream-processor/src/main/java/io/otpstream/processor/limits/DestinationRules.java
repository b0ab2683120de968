package io.otpstream.processor.limits;

import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.PhoneNumberUtil.PhoneNumberType;
import com.google.i18n.phonenumbers.Phonenumber.PhoneNumber;
import io.otpstream.processor.session.Rules;
import io.otpstream.schemas.apps.AppSettings;
import java.util.Optional;

/**
 * Where an SMS may go: the app's country allow-list (empty = everywhere) and never to a
 * premium-rate or shared-cost number (the SMS-pumping targets). Pure: libphonenumber's metadata
 * only, so a replay decides the same.
 */
public final class DestinationRules {
  private static final PhoneNumberUtil PHONES = PhoneNumberUtil.getInstance();

  private DestinationRules() {
  }

  /** The rule that refuses {@code e164}, if any. */
  public static Optional<String> refusal(String e164, AppSettings settings) {
    if (e164 == null) {
      return Optional.empty();
    }
    PhoneNumber n;
    try {
      n = PHONES.parse(e164, "ZZ");
    } catch (NumberParseException e) {
      return Optional.of(Rules.ALLOWED_COUNTRIES);
    }
    PhoneNumberType type = PHONES.getNumberType(n);
    if (type == PhoneNumberType.PREMIUM_RATE || type == PhoneNumberType.SHARED_COST) {
      return Optional.of(Rules.PREMIUM_RATE);
    }
    String region = PHONES.getRegionCodeForNumber(n);
    if (!settings.getAllowedCountries().isEmpty() && (region == null || !settings.getAllowedCountries().contains(region))) {
      return Optional.of(Rules.ALLOWED_COUNTRIES);
    }
    return Optional.empty();
  }
}
