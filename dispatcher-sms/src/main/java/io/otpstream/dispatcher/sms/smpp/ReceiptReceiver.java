package io.otpstream.dispatcher.sms.smpp;

import io.otpstream.dispatcher.provider.ReceiptListener;
import java.util.function.Supplier;
import org.jsmpp.SMPPConstant;
import org.jsmpp.bean.AlertNotification;
import org.jsmpp.bean.DataSm;
import org.jsmpp.bean.DeliverSm;
import org.jsmpp.bean.DeliveryReceipt;
import org.jsmpp.bean.MessageState;
import org.jsmpp.bean.MessageType;
import org.jsmpp.bean.OptionalParameter;
import org.jsmpp.extra.ProcessRequestException;
import org.jsmpp.session.DataSmResult;
import org.jsmpp.session.MessageReceiverListener;
import org.jsmpp.session.Session;
import org.jsmpp.util.InvalidDeliveryReceiptException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code deliver_sm} the SMSC sends: final delivery receipts go to the provider's current
 * {@link ReceiptListener}; intermediate ones and mobile-originated messages are acknowledged and
 * dropped. jSMPP answers {@code deliver_sm_resp} when a call returns; when there is no listener
 * yet, or it fails, the answer is {@code ESME_RX_T_APPN} and the SMSC sends the receipt again
 * later.
 */
final class ReceiptReceiver implements MessageReceiverListener {
  private static final Logger log = LoggerFactory.getLogger(ReceiptReceiver.class);

  private final Supplier<ReceiptListener> listener;

  ReceiptReceiver(Supplier<ReceiptListener> listener) {
    this.listener = listener;
  }

  @Override
  public void onAcceptDeliverSm(DeliverSm d) throws ProcessRequestException {
    if (!MessageType.SMSC_DEL_RECEIPT.containedIn(d.getEsmClass())) {
      log.debug(
          "ignoring a mobile-originated deliver_sm"); // acknowledged; never shown (it is someone's
      // text)
      return;
    }
    Receipt r = receipt(d);
    if (r == null) {
      log.warn("unreadable delivery receipt; acknowledged and dropped");
      return;
    }
    Boolean delivered =
        switch (r.stat()) {
          case "DELIVRD" -> Boolean.TRUE;
          case "UNDELIV", "REJECTD", "EXPIRED", "DELETED", "UNKNOWN" -> Boolean.FALSE;
          default -> null; // ENROUTE, ACCEPTD: not final
        };
    if (delivered == null) {
      log.debug("intermediate receipt {} for message {}", r.stat(), r.id());
      return;
    }
    ReceiptListener to = listener.get();
    if (to == null) {
      log.warn(
          "no dispatcher takes receipts yet; the SMSC is asked to send the receipt for message {} again",
          r.id());
      throw new ProcessRequestException(
          "no receipt listener yet", SMPPConstant.STAT_ESME_RX_T_APPN);
    }
    try {
      to.onReceipt(r.id(), delivered, r.stat(), r.err());
    } catch (RuntimeException e) {
      log.warn(
          "receipt listener failed for message {}; the SMSC is asked to send the receipt again",
          r.id(),
          e);
      throw new ProcessRequestException(
          "receipt listener failed", SMPPConstant.STAT_ESME_RX_T_APPN);
    }
  }

  @Override
  public void onAcceptAlertNotification(AlertNotification alertNotification) {
    // no use for it
  }

  @Override
  public DataSmResult onAcceptDataSm(DataSm dataSm, Session source) throws ProcessRequestException {
    throw new ProcessRequestException("data_sm is not supported", SMPPConstant.STAT_ESME_RINVCMDID);
  }

  /** A final receipt's fields; null from {@link #receipt} when the deliver_sm is not one. */
  private record Receipt(String id, String stat, String err) {}

  /**
   * The receipt a deliver_sm carries: the SMPP 3.4 TLVs {@code receipted_message_id} and {@code
   * message_state} when present, else the text form ({@code id:... stat:DELIVRD err:000 ...}).
   */
  private static Receipt receipt(DeliverSm d) {
    DeliveryReceipt text = null;
    try {
      text = d.getShortMessageAsDeliveryReceipt();
    } catch (InvalidDeliveryReceiptException | RuntimeException e) {
      // the TLVs may still say it all
    }
    OptionalParameter idTlv = d.getOptionalParameter(OptionalParameter.Tag.RECEIPTED_MESSAGE_ID);
    OptionalParameter stateTlv = d.getOptionalParameter(OptionalParameter.Tag.MESSAGE_STATE);
    String id =
        idTlv instanceof OptionalParameter.OctetString o
            ? o.getValueAsString()
            : text != null ? text.getId() : null;
    String stat = null;
    if (stateTlv instanceof OptionalParameter.Byte b) {
      try {
        stat = stat(MessageState.valueOf(b.getValue()));
      } catch (IllegalArgumentException e) {
        stat = null;
      }
    }
    if (stat == null && text != null && text.getFinalStatus() != null) {
      stat = text.getFinalStatus().name();
    }
    if (id == null || id.isBlank() || stat == null) {
      return null;
    }
    return new Receipt(id.strip(), stat, text != null ? text.getError() : null);
  }

  private static String stat(MessageState state) {
    return switch (state) {
      case DELIVERED -> "DELIVRD";
      case EXPIRED -> "EXPIRED";
      case DELETED -> "DELETED";
      case UNDELIVERABLE -> "UNDELIV";
      case ACCEPTED -> "ACCEPTD";
      case UNKNOWN -> "UNKNOWN";
      case REJECTED -> "REJECTD";
      default -> "ENROUTE";
    };
  }
}
