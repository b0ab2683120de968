package io.otpstream.api.destination;

import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.Phonenumber.PhoneNumber;
import io.otpstream.common.destination.SealedDestinations;
import io.otpstream.schemas.command.OtpRequested;

/**
 * Puts a send's destinations on its command the way the pipeline may see them: sealed for the
 * dispatchers (see {@link SealedDestinations}), plus the two facts the processor's destination
 * rules need about a phone number, its region and its number type (libphonenumber), so the
 * processor never reads the number itself.
 */
public final class CommandDestinations {
  private static final PhoneNumberUtil PHONES = PhoneNumberUtil.getInstance();
  private final SealedDestinations sealed;

  public CommandDestinations(SealedDestinations sealed) {
    this.sealed = sealed;
  }

  /**
   * Sets the sealed {@code sms} (E.164) and {@code email} (either may be null) and the phone's
   * facts.
   */
  public OtpRequested.Builder apply(
      OtpRequested.Builder command, String appId, String sms, String email) {
    command.setSmsTo(sealed.seal(appId, sms)).setEmailTo(sealed.seal(appId, email));
    if (sms != null) {
      try {
        PhoneNumber n = PHONES.parse(sms, "ZZ");
        command
            .setSmsRegion(PHONES.getRegionCodeForNumber(n))
            .setSmsNumberType(PHONES.getNumberType(n).name());
      } catch (NumberParseException e) {
        throw new IllegalArgumentException(
            "not an E.164 number", e); // callers pass Destinations.phone's output
      }
    }
    return command;
  }
}
