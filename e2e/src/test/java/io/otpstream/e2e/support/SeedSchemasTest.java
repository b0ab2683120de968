package io.otpstream.e2e.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Proves {@link SeedSchemas} accepts what the vendor documents and, above all, rejects what it does
 * not.
 */
class SeedSchemasTest {
  private static final String RETRY = "/v1/session/otp/retry";
  private static final String CREATE = "/v1/session/otp";

  private final SeedSchemas retry = SeedSchemas.load("seeds/prelude-otp-retry.yaml");
  private final SeedSchemas create = SeedSchemas.load("/seeds/prelude-otp-create.yaml");

  @Test
  void retry_403_with_our_extra_message_field_is_valid() {
    assertEquals(
        List.of(),
        retry.validate(
            RETRY,
            "POST",
            403,
            "{\"code\":\"auth_blocked\",\"type\":\"forbidden\",\"message\":\"x\"}"));
  }

  @Test
  void retry_403_with_an_undocumented_code_fails() {
    List<String> messages =
        retry.validate(RETRY, "post", 403, "{\"code\":\"nope\",\"type\":\"forbidden\"}");
    assertFalse(messages.isEmpty());
    assertTrue(messages.stream().anyMatch(m -> m.contains("code")), messages::toString);
  }

  @Test
  void retry_403_with_a_wrong_type_fails() {
    assertFalse(
        retry
            .validate(RETRY, "POST", 403, "{\"code\":\"auth_blocked\",\"type\":\"bad_request\"}")
            .isEmpty());
    assertFalse(retry.validate(RETRY, "POST", 403, "{\"code\":42}").isEmpty());
    assertFalse(retry.validate(RETRY, "POST", 403, "[]").isEmpty());
  }

  @Test
  void retry_other_declared_statuses() {
    assertEquals(
        List.of(),
        retry.validate(
            RETRY, "POST", 401, "{\"code\":\"unauthorized\",\"type\":\"unauthorized\"}"));
    assertEquals(
        List.of(),
        retry.validate(RETRY, "POST", 500, "{\"code\":\"internal\",\"type\":\"internal\"}"));
    assertFalse(
        retry
            .validate(RETRY, "POST", 500, "{\"code\":\"unauthorized\",\"type\":\"internal\"}")
            .isEmpty());
    assertEquals(Set.of(204, 401, 403, 500), retry.statuses(RETRY, "POST"));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{\"code\":\"bad_request\",\"type\":\"bad_request\",\"message\":\"x\"}",
        "{\"code\":\"expired_challenge_token\",\"type\":\"bad_request\",\"message\":\"x\"}",
        "{\"code\":\"invalid_challenge_token\",\"type\":\"bad_request\",\"message\":\"x\"}",
        "{\"code\":\"token_mismatch\",\"type\":\"bad_request\",\"message\":\"x\"}"
      })
  void create_400_accepts_each_of_the_four_one_of_errors(String body) {
    assertEquals(List.of(), create.validate(CREATE, "POST", 400, body));
  }

  @Test
  void create_400_rejects_a_forbidden_error() {
    List<String> messages =
        create.validate(CREATE, "POST", 400, "{\"code\":\"auth_blocked\",\"type\":\"forbidden\"}");
    assertFalse(messages.isEmpty());
    assertTrue(messages.stream().anyMatch(m -> m.contains("oneOf")), messages::toString);
  }

  @Test
  void create_403_is_a_one_of_of_one() {
    assertEquals(
        List.of(),
        create.validate(CREATE, "POST", 403, "{\"code\":\"auth_blocked\",\"type\":\"forbidden\"}"));
    assertFalse(
        create
            .validate(CREATE, "POST", 403, "{\"code\":\"bad_request\",\"type\":\"bad_request\"}")
            .isEmpty());
  }

  @Test
  void a_body_for_an_undeclared_status_is_reported() {
    // /v1/session/otp documents no 401 (only the retry endpoint does).
    List<String> messages =
        create.validate(
            CREATE, "POST", 401, "{\"code\":\"unauthorized\",\"type\":\"unauthorized\"}");
    assertEquals(1, messages.size(), messages::toString);
    assertTrue(messages.get(0).contains("401 is not declared"), messages::toString);
    assertFalse(create.declares(CREATE, "POST", 401));
    assertTrue(retry.declares(RETRY, "POST", 401));
    assertTrue(create.declares(CREATE, "post", 204));
    assertFalse(create.declares(CREATE, "GET", 204));
    assertFalse(create.declares("/v1/nope", "POST", 204));
  }

  @Test
  void create_declares_exactly_204_400_403_and_500() {
    assertEquals(Set.of(204, 400, 403, 500), create.statuses(CREATE, "POST"));
  }

  @Test
  void no_content_status_requires_an_empty_body() {
    assertEquals(List.of(), create.validate(CREATE, "POST", 204, ""));
    assertEquals(List.of(), create.validate(CREATE, "POST", 204, null));
    assertFalse(create.validate(CREATE, "POST", 204, "{}").isEmpty());
  }

  @Test
  void json_status_requires_a_json_body() {
    assertFalse(retry.validate(RETRY, "POST", 403, "").isEmpty());
    List<String> messages = retry.validate(RETRY, "POST", 403, "{\"code\":");
    assertEquals(1, messages.size(), messages::toString);
    assertTrue(messages.get(0).contains("not valid JSON"), messages::toString);
  }

  @Test
  void request_body_is_validated_including_the_any_of_and_nested_ref() {
    assertEquals(
        List.of(),
        create.validateRequest(
            CREATE,
            "POST",
            "{\"identifier\":{\"type\":\"phone_number\",\"value\":\"+306912345678\"}}"));
    assertEquals(
        List.of(),
        create.validateRequest(
            CREATE, "POST", "{\"challenge_token\":\"abc\",\"dispatch_id\":\"d\"}"));
    // Neither challenge_token nor identifier: the anyOf fails.
    assertFalse(create.validateRequest(CREATE, "POST", "{\"dispatch_id\":\"d\"}").isEmpty());
    // Identifier is a $ref whose type is an enum and whose value is required.
    assertFalse(
        create
            .validateRequest(CREATE, "POST", "{\"identifier\":{\"type\":\"fax\",\"value\":\"1\"}}")
            .isEmpty());
    assertFalse(
        create
            .validateRequest(CREATE, "POST", "{\"identifier\":{\"type\":\"email_address\"}}")
            .isEmpty());
    // requestBody.required: true
    assertFalse(create.validateRequest(CREATE, "POST", "").isEmpty());
    // The retry operation takes no body.
    assertEquals(List.of(), retry.validateRequest(RETRY, "POST", ""));
    assertFalse(retry.validateRequest(RETRY, "POST", "{}").isEmpty());
  }

  /**
   * Quirks of the vendor's schemas, pinned so that nobody mistakes them for bugs of the validator.
   */
  @Test
  void the_seed_schema_quirks_are_pinned() {
    // No error schema lists `required`, so a body lacking code and type is a valid 403 ...
    assertEquals(List.of(), retry.validate(RETRY, "POST", 403, "{\"message\":\"x\"}"));
    // ... but under the 400 oneOf such a body matches all four alternatives, and oneOf wants
    // exactly one.
    assertFalse(create.validate(CREATE, "POST", 400, "{\"message\":\"x\"}").isEmpty());
    assertFalse(create.validate(CREATE, "POST", 400, "{\"type\":\"bad_request\"}").isEmpty());
  }

  @Test
  void unknown_operations_and_resources_are_test_bugs() {
    assertThrows(
        IllegalArgumentException.class, () -> create.validate("/v1/nope", "POST", 400, "{}"));
    assertThrows(IllegalArgumentException.class, () -> create.statuses(CREATE, "GET"));
    assertThrows(IllegalArgumentException.class, () -> SeedSchemas.load("seeds/missing.yaml"));
  }
}
