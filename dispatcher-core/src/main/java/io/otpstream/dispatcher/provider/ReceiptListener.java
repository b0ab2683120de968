package io.otpstream.dispatcher.provider;

/**
 * Where a provider that reports delivery receipts (an SMSC) hands the final ones: the worker that
 * sends through the provider gives it one ({@link DeliveryProvider#receiptsTo}). Called on the
 * provider's own threads (jSMPP's PDU processing threads, up to three at once, before the {@code
 * deliver_sm_resp} is sent): keep it short, and thread-safe. If it throws, an SMSC is answered
 * {@code ESME_RX_T_APPN} and sends the receipt again later.
 */
@FunctionalInterface
public interface ReceiptListener {

  /**
   * @param providerMessageId the provider's message id, as {@link DeliveryProvider#send} returned
   *     it
   * @param delivered true for {@code DELIVRD}; false for {@code UNDELIV}, {@code REJECTD}, {@code
   *     EXPIRED}, {@code DELETED}, {@code UNKNOWN}
   * @param stat the receipt's final state, e.g. {@code DELIVRD}
   * @param err the receipt's network/SMSC error code (e.g. {@code 000}), or null when it has none
   */
  void onReceipt(String providerMessageId, boolean delivered, String stat, String err);
}
