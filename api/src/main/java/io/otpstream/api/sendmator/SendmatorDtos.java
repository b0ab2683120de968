package io.otpstream.api.sendmator;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;

/** HTTP shapes of the Sendmator family (seed 003, DESIGN §4.1); separate from the Avro events. */
final class SendmatorDtos {
  private SendmatorDtos() {}

  /**
   * Seed 003's send body, plus two otpstream fields: the app's {@code template_id} and a {@code
   * locale}.
   */
  record SendRequest(
      List<String> channels,
      Recipients recipients,
      OtpConfig config,
      Map<String, Object> metadata,
      @JsonProperty("sandbox_mode") Boolean sandboxMode,
      @JsonProperty("template_id") String templateId,
      String locale) {}

  record Recipients(String sms, String email) {}

  record OtpConfig(
      @JsonProperty("otp_length") Integer otpLength,
      Integer expiry,
      @JsonProperty("max_attempts") Integer maxAttempts) {}

  record VerifyRequest(
      @JsonProperty("session_token") String sessionToken, Map<String, String> otps) {}

  record ResendRequest(@JsonProperty("session_token") String sessionToken) {}

  record Envelope<T>(boolean success, T data) {}

  @JsonInclude(JsonInclude.Include.NON_NULL)
  record SendData(
      @JsonProperty("session_token") String sessionToken,
      @JsonProperty("session_id") String sessionId,
      @JsonProperty("expires_at") String expiresAt,
      List<String> channels,
      Map<String, String> otps) {}

  record ChannelResult(boolean success, String message) {}

  record VerifyData(
      boolean verified,
      @JsonProperty("verification_results") Map<String, ChannelResult> verificationResults,
      @JsonProperty("attempts_remaining") Integer attemptsRemaining) {}

  @JsonInclude(JsonInclude.Include.NON_NULL)
  record ResendResponse(
      boolean success,
      @JsonProperty("expires_at") String expiresAt,
      String message,
      @JsonProperty("sandbox_otps") Map<String, String> sandboxOtps) {}

  record Error(int statusCode, String message, String error) {}
}
