package io.otpstream.schemas.rules;

/**
 * The names of the rules, as they travel in decisions ({@code OtpDecision.rule}), audit events and
 * rule checks, and as the api shows them ({@code X-Otp-Rule}): the settings' names of DESIGN §5,
 * and a few more. A contract between the processor, the api and every reader of the topics.
 */
public final class RuleNames {
  public static final String RESENDS_PER_SESSION = "max_resends_per_session";
  public static final String CHECK_ATTEMPTS = "max_check_attempts";
  public static final String RESEND_COOLDOWN = "resend_cooldown_seconds";
  public static final String RESENDS_PER_SUBJECT = "resends_per_subject";
  public static final String RESENDS_PER_IP = "resends_per_ip";
  public static final String SENDS_PER_SUBJECT = "sends_per_subject";
  public static final String SENDS_PER_IP = "sends_per_ip";
  public static final String FAILED_CHECKS_PER_SUBJECT = "failed_checks_per_subject";
  public static final String FAILED_CHECKS_CEILING = "failed_checks_ceiling";
  public static final String ALLOWED_COUNTRIES = "allowed_countries";
  public static final String PREMIUM_RATE = "premium_rate";
  public static final String QUOTA = "quota";

  /**
   * New sessions per block of 100 consecutive phone numbers, from every client: SMS pumping to
   * consecutive numbers.
   */
  public static final String SENDS_PER_NUMBER_BLOCK = "sends_per_number_block";

  /** A step-up challenge token starts one verification only. */
  public static final String CHALLENGE_ONCE = "challenge_token_once";

  private RuleNames() {}
}
