package io.otpstream.schemas.serde;

/**
 * How a value on a topic is framed, told by its first bytes: Avro single-object encoding (marker
 * {@code C3 01}, then the writer schema's 64-bit fingerprint) or the Confluent wire format a schema
 * registry serde writes (magic byte {@code 00}, then a 4-byte schema id). Readers look here before
 * they decode, so one topic can hold both during a switch-over.
 */
public enum Framing {
  SINGLE_OBJECT,
  REGISTRY,
  UNKNOWN;

  /** The single-object marker, as the Avro specification gives it. */
  static final byte MARKER_0 = (byte) 0xC3;

  static final byte MARKER_1 = (byte) 0x01;

  /** The Confluent wire format's magic byte. */
  static final byte MAGIC = 0;

  public static Framing of(byte[] value) {
    if (value != null && value.length >= 10 && value[0] == MARKER_0 && value[1] == MARKER_1) {
      return SINGLE_OBJECT;
    }
    if (value != null && value.length >= 5 && value[0] == MAGIC) {
      return REGISTRY;
    }
    return UNKNOWN;
  }

  /** The schema id of a registry-framed value (bytes 1 to 4, big-endian). */
  public static int schemaId(byte[] value) {
    if (of(value) != REGISTRY) {
      throw new IllegalArgumentException("not in the registry's framing");
    }
    return ((value[1] & 0xff) << 24)
        | ((value[2] & 0xff) << 16)
        | ((value[3] & 0xff) << 8)
        | (value[4] & 0xff);
  }
}
