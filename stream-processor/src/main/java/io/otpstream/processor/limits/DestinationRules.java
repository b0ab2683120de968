package io.otpstream.processor.limits;

import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.PhoneNumberUtil.PhoneNumberType;
import com.google.i18n.phonenumbers.Phonenumber.PhoneNumber;
import io.otpstream.common.destination.SealedDestinations;
import io.otpstream.schemas.apps.AppSettings;
import io.otpstream.schemas.command.OtpRequested;
import io.otpstream.schemas.rules.RuleNames;
import java.util.Optional;

/**
 * Where an SMS may go: the app's country allow-list (empty = everywhere) and never to a
 * premium-rate or shared-cost number (the SMS-pumping targets). Pure: the facts the command carries
 * (or libphonenumber's metadata for an older command), so a replay decides the same.
 */
public final class DestinationRules {
  private static final PhoneNumberUtil PHONES = PhoneNumberUtil.getInstance();

  private DestinationRules() {}

  /**
   * The rule that refuses the send's phone number, if any. The api gives the number's region and
   * type with its sealed number; a command recorded before that carries the number in clear.
   */
  public static Optional<String> refusal(OtpRequested send, AppSettings settings) {
    if (send.getSmsTo() == null) {
      return Optional.empty();
    }
    if (send.getSmsNumberType() != null) {
      return refusal(send.getSmsRegion(), send.getSmsNumberType(), settings);
    }
    if (SealedDestinations.isSealed(send.getSmsTo())) {
      return Optional.of(
          RuleNames.ALLOWED_COUNTRIES); // a sealed number without its facts: nothing to allow it on
    }
    try {
      PhoneNumber n = PHONES.parse(send.getSmsTo(), "ZZ");
      return refusal(PHONES.getRegionCodeForNumber(n), PHONES.getNumberType(n).name(), settings);
    } catch (NumberParseException e) {
      return Optional.of(RuleNames.ALLOWED_COUNTRIES);
    }
  }

  private static Optional<String> refusal(String region, String numberType, AppSettings settings) {
    if (PhoneNumberType.PREMIUM_RATE.name().equals(numberType)
        || PhoneNumberType.SHARED_COST.name().equals(numberType)) {
      return Optional.of(RuleNames.PREMIUM_RATE);
    }
    if (!settings.getAllowedCountries().isEmpty()
        && (region == null || !settings.getAllowedCountries().contains(region))) {
      return Optional.of(RuleNames.ALLOWED_COUNTRIES);
    }
    return Optional.empty();
  }
}
