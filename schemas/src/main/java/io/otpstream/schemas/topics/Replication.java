package io.otpstream.schemas.topics;

/**
 * How many copies of each partition the cluster keeps ({@code replication.factor}) and how many of
 * them must have a write before it is acknowledged ({@code min.insync.replicas}, for producers with
 * {@code acks=all}).
 */
public record Replication(short factor, int minInsyncReplicas) {

  public Replication {
    if (factor < 1) {
      throw new IllegalArgumentException("replication factor " + factor + " is below 1");
    }
    if (minInsyncReplicas < 1 || minInsyncReplicas > factor) {
      throw new IllegalArgumentException(
          "min.insync.replicas "
              + minInsyncReplicas
              + " is out of range for replication factor "
              + factor
              + " (1-"
              + factor
              + ")");
    }
  }

  /**
   * What a cluster of {@code brokers} can hold: 3 copies, 2 in sync, from three brokers up; below
   * that one copy per broker and 1 in sync (so one broker down does not stop writes).
   */
  public static Replication forBrokers(int brokers) {
    short factor = (short) Math.max(1, Math.min(brokers, 3));
    return new Replication(factor, minInsyncFor(factor));
  }

  /** The default {@code min.insync.replicas} for a replication factor: 2 from 3 copies, else 1. */
  public static int minInsyncFor(int factor) {
    return factor >= 3 ? 2 : 1;
  }
}
