package io.otpstream.processor.session;

/**
 * Delivery ids are {@code session:generation:channel}; the generation says which code a status is
 * about.
 */
final class DeliveryIds {
  private DeliveryIds() {}

  static String of(String sessionId, int generation, String channel) {
    return sessionId + ":" + generation + ":" + channel;
  }

  /** The generation named by a delivery id, or null when it is not one of ours. */
  static Integer generation(String deliveryId) {
    if (deliveryId == null) {
      return null;
    }
    int end = deliveryId.lastIndexOf(':');
    int start = end <= 0 ? -1 : deliveryId.lastIndexOf(':', end - 1);
    if (start < 0) {
      return null;
    }
    try {
      return Integer.parseInt(deliveryId.substring(start + 1, end));
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
