package io.otpstream.processor.decision;

import io.otpstream.schemas.command.CommandMeta;
import io.otpstream.schemas.quota.QuotaRefund;
import java.util.Optional;

/**
 * What a later stage gives back to the quota stage: the messages the quota stage charged for a
 * request ({@code quota_charged}) that were not sent, written to the quota stage's input topic.
 */
public final class Refunds {
  private Refunds() {}

  /**
   * The refund owed when {@code delivered} of the charged messages were sent; empty when none is
   * owed.
   */
  public static Optional<QuotaRefund> owed(CommandMeta m, int delivered) {
    int owed = m.getQuotaCharged() - delivered;
    return owed <= 0
        ? Optional.empty()
        : Optional.of(new QuotaRefund(m.getAppId(), m.getRequestId(), owed, m.getOccurredAt()));
  }
}
