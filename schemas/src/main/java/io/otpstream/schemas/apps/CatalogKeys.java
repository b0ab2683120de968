package io.otpstream.schemas.apps;

import java.util.Locale;

/**
 * The keys of the compacted {@code otp.apps} catalogue, one kind of entry per prefix: written by
 * the api, followed by the api and the dispatchers. A contract, so every reader and writer spells
 * them alike.
 */
public final class CatalogKeys {
  public static final String APP = "app";
  public static final String API_KEY = "api-key";
  public static final String MANAGEMENT_KEY = "management-key";
  public static final String SETTINGS = "settings";
  public static final String LOGIN_CONFIG = "login-config";
  public static final String CONTACT = "contact";
  public static final String TEMPLATE = "template";
  public static final String WEBHOOK = "webhook";

  private CatalogKeys() {}

  public static String app(String appId) {
    return APP + "/" + appId;
  }

  public static String apiKey(String keyHash) {
    return API_KEY + "/" + keyHash;
  }

  public static String managementKey(String keyHash) {
    return MANAGEMENT_KEY + "/" + keyHash;
  }

  /** {@code settings/{app}/{version}}, the version in 12 digits so keys sort by version. */
  public static String settings(String appId, long version) {
    return SETTINGS + "/" + appId + "/" + String.format(Locale.ROOT, "%012d", version);
  }

  public static String loginConfig(String appId, String configId) {
    return LOGIN_CONFIG + "/" + appId + "/" + configId;
  }

  public static String contact(String appId, String username) {
    return CONTACT + "/" + appId + "/" + username;
  }

  public static String template(String appId, String templateId, String locale) {
    return TEMPLATE + "/" + appId + "/" + templateId + "/" + locale;
  }

  public static String webhook(String appId, String subscriptionId) {
    return WEBHOOK + "/" + appId + "/" + subscriptionId;
  }

  /** Is {@code key} an entry of {@code kind} (one of the constants above)? */
  public static boolean is(String key, String kind) {
    return key != null && key.startsWith(kind + "/");
  }
}
