package io.otpstream.api.destination;

import io.otpstream.schemas.common.Channel;
import java.util.Optional;
import java.util.function.Function;

/**
 * A Prelude identifier, {@code {type: phone_number|email_address, value}}, normalised: E.164 for
 * phones, lower case for emails. The channel follows the type.
 */
public record Identifier(String type, String value, Channel channel) {
  public static final String PHONE = "phone_number";
  public static final String EMAIL = "email_address";

  /** The JSON shape of an identifier in a request. */
  public record Body(String type, String value) {}

  /**
   * Validates an identifier; {@code invalid} makes the family's error from a message. A missing
   * object or field is {@code missing}'s error (a malformed request rather than a bad identifier).
   */
  public static Identifier parse(
      Body body,
      String field,
      Function<String, RuntimeException> missing,
      Function<String, RuntimeException> invalid) {
    if (body == null) {
      throw missing.apply(
          field + " is required: {\"type\": \"phone_number\", \"value\": \"+14155550123\"}");
    }
    if (body.type() == null || body.value() == null) {
      throw missing.apply(field + ".type and " + field + ".value are required");
    }
    return switch (body.type()) {
      case PHONE ->
          new Identifier(
              PHONE,
              Destinations.phone(body.value())
                  .orElseThrow(
                      () ->
                          invalid.apply(
                              field
                                  + ".value must be a valid phone number in E.164 format, e.g. +14155550123")),
              Channel.SMS);
      case EMAIL ->
          new Identifier(
              EMAIL,
              Destinations.email(body.value())
                  .orElseThrow(
                      () ->
                          invalid.apply(
                              field
                                  + ".value must be a valid email address of at most "
                                  + Destinations.MAX_EMAIL_LENGTH
                                  + " characters")),
              Channel.EMAIL);
      default -> throw invalid.apply(field + ".type must be \"phone_number\" or \"email_address\"");
    };
  }

  /** An identifier recovered from a token we signed; empty when it no longer validates. */
  public static Optional<Identifier> of(String type, String value) {
    try {
      return Optional.of(
          parse(
              new Body(type, value),
              "identifier",
              IllegalArgumentException::new,
              IllegalArgumentException::new));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }
}
