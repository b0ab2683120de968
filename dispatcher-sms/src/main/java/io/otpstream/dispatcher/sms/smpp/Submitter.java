package io.otpstream.dispatcher.sms.smpp;

import io.otpstream.dispatcher.provider.DeliveryException;
import io.otpstream.dispatcher.provider.OutgoingMessage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;
import org.jsmpp.InvalidResponseException;
import org.jsmpp.PDUException;
import org.jsmpp.bean.Alphabet;
import org.jsmpp.bean.ESMClass;
import org.jsmpp.bean.GeneralDataCoding;
import org.jsmpp.bean.NumberingPlanIndicator;
import org.jsmpp.bean.OptionalParameter;
import org.jsmpp.bean.RegisteredDelivery;
import org.jsmpp.bean.SMSCDeliveryReceipt;
import org.jsmpp.bean.TypeOfNumber;
import org.jsmpp.extra.NegativeResponseException;
import org.jsmpp.extra.ResponseTimeoutException;
import org.jsmpp.session.SMPPSession;

/**
 * Sends one message as a {@code submit_sm} on a bound session, with an SMSC delivery receipt
 * requested on success and failure, and judges the outcome: the SMSC's message id, or a permanent
 * or transient failure.
 *
 * <p>Text goes in the GSM 03.38 default alphabet (data_coding 0, one septet per octet) when every
 * character is in it, in UCS2 (data_coding 8) otherwise; a text longer than one SMS goes in {@code
 * message_payload} and the SMSC splits it. Numeric senders are international numbers, others
 * alphanumeric sender ids. The text holds the code: no exception message here quotes it.
 */
final class Submitter {
  private static final Pattern E164 = Pattern.compile("\\+?[1-9][0-9]{1,14}");
  private static final Pattern NUMERIC_SENDER = Pattern.compile("\\+?[0-9]{1,20}");
  private static final Pattern ALPHANUMERIC_SENDER = Pattern.compile("[\\x20-\\x7e]{1,20}");

  /**
   * One SMS: 160 septets (one per octet here) or 140 octets of UCS2; longer texts go in
   * message_payload.
   */
  private static final int GSM_SINGLE_SMS = 160;

  private static final int UCS2_SINGLE_SMS = 140;

  private final SmppSettings settings;

  Submitter(SmppSettings settings) {
    this.settings = settings;
  }

  /** The SMSC's message id. */
  String submit(SMPPSession s, OutgoingMessage m) throws DeliveryException {
    if (m.to() == null || !E164.matcher(m.to()).matches()) {
      throw new DeliveryException("destination is not an E.164 number", true, null);
    }
    String destination = m.to().startsWith("+") ? m.to().substring(1) : m.to();
    Source source =
        source(
            m.sender() != null && !m.sender().isBlank()
                ? m.sender().strip()
                : settings.sourceAddr());
    if (m.text() == null || m.text().isEmpty()) {
      throw new DeliveryException("empty message", true, null);
    }
    byte[] gsm = GsmAlphabet.encode(m.text());
    GeneralDataCoding coding =
        new GeneralDataCoding(gsm != null ? Alphabet.ALPHA_DEFAULT : Alphabet.ALPHA_UCS2);
    byte[] body = gsm != null ? gsm : m.text().getBytes(StandardCharsets.UTF_16BE);
    boolean single = body.length <= (gsm != null ? GSM_SINGLE_SMS : UCS2_SINGLE_SMS);
    OptionalParameter[] payload =
        single
            ? new OptionalParameter[0]
            : new OptionalParameter[] {new OptionalParameter.Message_payload(body)};
    try {
      return s.submitShortMessage(
              "",
              source.ton,
              source.npi,
              source.address,
              TypeOfNumber.INTERNATIONAL,
              NumberingPlanIndicator.ISDN,
              destination,
              new ESMClass(),
              (byte) 0,
              (byte) 0,
              null,
              null,
              new RegisteredDelivery(SMSCDeliveryReceipt.SUCCESS_FAILURE),
              (byte) 0,
              coding,
              (byte) 0,
              single ? body : new byte[0],
              payload)
          .getMessageId();
    } catch (NegativeResponseException e) {
      int status = e.getCommandStatus();
      throw new DeliveryException(
          "SMSC refused submit_sm: command_status " + CommandStatus.name(status),
          CommandStatus.permanent(status),
          e);
    } catch (ResponseTimeoutException e) {
      throw new DeliveryException(
          "no submit_sm_resp within " + settings.timeoutMs() + " ms", false, e);
    } catch (InvalidResponseException e) {
      throw new DeliveryException("invalid submit_sm_resp: " + e.getMessage(), false, e);
    } catch (PDUException e) {
      // jSMPP's messages about an invalid field quote its value, which may be the text: neither is
      // kept
      throw new DeliveryException("submit_sm has an invalid field", true, null);
    } catch (IOException e) {
      throw new DeliveryException("SMSC connection: " + e.getMessage(), false, e);
    }
  }

  private record Source(String address, TypeOfNumber ton, NumberingPlanIndicator npi) {}

  /**
   * Numeric senders are international numbers; others alphanumeric sender ids; none leaves it to
   * the SMSC.
   */
  private static Source source(String sender) throws DeliveryException {
    if (sender == null) {
      return new Source("", TypeOfNumber.UNKNOWN, NumberingPlanIndicator.UNKNOWN);
    }
    if (NUMERIC_SENDER.matcher(sender).matches()) {
      return new Source(
          sender.startsWith("+") ? sender.substring(1) : sender,
          TypeOfNumber.INTERNATIONAL,
          NumberingPlanIndicator.ISDN);
    }
    if (ALPHANUMERIC_SENDER.matcher(sender).matches()) {
      return new Source(sender, TypeOfNumber.ALPHANUMERIC, NumberingPlanIndicator.UNKNOWN);
    }
    throw new DeliveryException(
        "sender id is not a number or 1-20 printable ASCII characters", true, null);
  }
}
