package io.otpstream.api.zap;

import io.javalin.http.HttpStatus;
import io.otpstream.api.errors.Answer;
import io.otpstream.api.errors.ErrorFamily;
import io.otpstream.api.errors.Refusal;
import io.otpstream.api.errors.Step;
import io.otpstream.schemas.decision.OtpDecision;
import io.otpstream.schemas.rules.RuleNames;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * ZAP's error format at the admin resend (seed 004): {@code {success: false, message}}; 500 only
 * for failures of ours.
 */
public final class ZapFamily implements ErrorFamily {
  private static final String INTERNAL =
      "An error occured processing the request"; // sic, the seed's words

  @Override
  public boolean owns(String path) {
    return path.equals(ZapRoutes.PATH);
  }

  @Override
  public Answer answer(Refusal refusal, String path) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("success", false);
    body.put("message", refusal.getMessage());
    return Answer.of(refusal, body);
  }

  @Override
  public Refusal timeout() {
    return new Refusal(
        HttpStatus.INTERNAL_SERVER_ERROR,
        null,
        INTERNAL + ": no decision in time; it is accepted and will be decided, retry shortly",
        1,
        null);
  }

  @Override
  public Refusal internal() {
    return Refusal.of(HttpStatus.INTERNAL_SERVER_ERROR, INTERNAL);
  }

  @Override
  public Refusal refusal(OtpDecision d, Step step) {
    return switch (d.getOutcome()) {
      case RATE_LIMITED ->
          new Refusal(
              HttpStatus.TOO_MANY_REQUESTS,
              null,
              "Rate limit exceeded",
              d.getRetryAfterSeconds(),
              d.getRule());
      case QUOTA_EXHAUSTED ->
          new Refusal(HttpStatus.PAYMENT_REQUIRED, null, "Insufficient balance", null, d.getRule());
      case REFUSED ->
          new Refusal(
              HttpStatus.BAD_REQUEST,
              null,
              RuleNames.PREMIUM_RATE.equals(d.getRule())
                  ? "phoneNumber is a premium-rate number, which is refused"
                  : "phoneNumber is in a country this app does not allow",
              null,
              d.getRule());
      default -> internal();
    };
  }
}
