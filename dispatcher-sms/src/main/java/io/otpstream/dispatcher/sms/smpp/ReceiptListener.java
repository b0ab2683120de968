package io.otpstream.dispatcher.sms.smpp;

/**
 * Where an {@link SmppProvider} hands the SMSC's final delivery receipts. Called on jSMPP's PDU
 * processing threads (up to three at once), before the {@code deliver_sm_resp} is sent: keep it short,
 * and thread-safe. If it throws, the SMSC is answered {@code ESME_RX_T_APPN} and sends the receipt again later.
 */
@FunctionalInterface
public interface ReceiptListener {

  /**
   * @param providerMessageId the SMSC's message id, as {@link SmppProvider#send} returned it
   * @param delivered true for {@code DELIVRD}; false for {@code UNDELIV}, {@code REJECTD}, {@code EXPIRED},
   *     {@code DELETED}, {@code UNKNOWN}
   * @param stat the receipt's final state, e.g. {@code DELIVRD}
   * @param err the receipt's network/SMSC error code (e.g. {@code 000}), or null when it has none
   */
  void onReceipt(String providerMessageId, boolean delivered, String stat, String err);
}
