package io.otpstream.dispatcher.sms.http;

import io.otpstream.common.settings.Env;
import io.otpstream.common.settings.SettingException;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * How to reach a generic HTTP SMS API. From the environment, every name after a prefix (e.g. {@code
 * OTP_SMS_HTTP_}): {@code URL} (required, http or https), {@code AUTH_HEADER} (optional, a whole
 * header line such as {@code Authorization: Bearer xyz}), {@code BODY_TEMPLATE} (a JSON template
 * with the placeholders {@code {{to}}}, {@code {{from}}}, {@code {{text}}} and {@code
 * {{message_id}}}, each inside a JSON string; default {@value #DEFAULT_BODY_TEMPLATE}), {@code
 * MESSAGE_ID_FIELD} (the field of the JSON response that holds the provider's message id, or a JSON
 * pointer such as {@code /messages/0/id}; default {@code id}) and {@code TIMEOUT_MS} (5000:
 * connect, and the whole exchange).
 *
 * <p>{@link #toString()} shows neither the auth header's value nor the URL's query (which some APIs
 * use for a key).
 *
 * @param authHeaderName null when no auth header is sent
 * @param authHeaderValue null when no auth header is sent; a secret
 */
public record HttpSmsSettings(
    URI url,
    String authHeaderName,
    String authHeaderValue,
    String bodyTemplate,
    String messageIdField,
    Duration timeout) {

  public static final String DEFAULT_BODY_TEMPLATE =
      "{\"to\":\"{{to}}\",\"from\":\"{{from}}\",\"text\":\"{{text}}\"}";
  public static final String DEFAULT_MESSAGE_ID_FIELD = "id";
  public static final int DEFAULT_TIMEOUT_MS = 5_000;

  public HttpSmsSettings {
    if (url == null) {
      throw new IllegalArgumentException("HTTP SMS url is required");
    }
    String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
    if (!url.isAbsolute()
        || !(scheme.equals("http") || scheme.equals("https"))
        || url.getHost() == null) {
      throw new IllegalArgumentException(
          "HTTP SMS url must be an absolute http(s) URL with a host");
    }
    if (url.getRawUserInfo() != null) {
      throw new IllegalArgumentException(
          "HTTP SMS url must not carry credentials; use the auth header");
    }
    if ((authHeaderName == null) != (authHeaderValue == null)) {
      throw new IllegalArgumentException("HTTP SMS auth header needs both a name and a value");
    }
    if (authHeaderName != null) {
      authHeaderName = authHeaderName.strip();
      authHeaderValue = authHeaderValue.strip();
      if (!isToken(authHeaderName)
          || authHeaderValue.isEmpty()
          || authHeaderValue.chars().anyMatch(c -> c == '\r' || c == '\n')) {
        // neither the value nor the name in the message: a malformed line may be all secret
        throw new IllegalArgumentException("HTTP SMS auth header must look like 'Name: value'");
      }
    }
    bodyTemplate =
        bodyTemplate == null || bodyTemplate.isBlank() ? DEFAULT_BODY_TEMPLATE : bodyTemplate;
    messageIdField =
        messageIdField == null || messageIdField.isBlank()
            ? DEFAULT_MESSAGE_ID_FIELD
            : messageIdField.strip();
    timeout = timeout == null ? Duration.ofMillis(DEFAULT_TIMEOUT_MS) : timeout;
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("HTTP SMS timeout must be positive: " + timeout);
    }
  }

  /**
   * Reads {@code <prefix>URL}, {@code <prefix>AUTH_HEADER}, {@code <prefix>BODY_TEMPLATE}, {@code
   * <prefix>MESSAGE_ID_FIELD}, {@code <prefix>TIMEOUT_MS}.
   */
  public static HttpSmsSettings fromEnv(Map<String, String> env, String prefix) {
    String p = prefix == null ? "" : prefix;
    String rawUrl = env.get(p + "URL");
    if (rawUrl == null || rawUrl.isBlank()) {
      throw new SettingException(p + "URL", p + "URL is required: the HTTP SMS API's URL");
    }
    URI url;
    try {
      url = new URI(rawUrl.strip());
    } catch (URISyntaxException e) {
      // not the URL itself: its query may hold a key
      throw new SettingException(
          p + "URL", p + "URL is not a valid URL (at index " + e.getIndex() + ")");
    }
    String name = null;
    String value = null;
    String line = env.get(p + "AUTH_HEADER");
    if (line != null && !line.isBlank()) {
      int colon = line.indexOf(':');
      if (colon <= 0) {
        throw new SettingException(
            p + "AUTH_HEADER",
            p + "AUTH_HEADER must be a header line like 'Authorization: Bearer <token>'");
      }
      name = line.substring(0, colon);
      value = line.substring(colon + 1);
    }
    Duration timeout =
        Duration.ofMillis(
            Env.integer(env, p + "TIMEOUT_MS", DEFAULT_TIMEOUT_MS, 1, Integer.MAX_VALUE));
    try {
      return new HttpSmsSettings(
          url, name, value, env.get(p + "BODY_TEMPLATE"), env.get(p + "MESSAGE_ID_FIELD"), timeout);
    } catch (SettingException e) {
      throw e;
    } catch (IllegalArgumentException e) {
      // the constructor's messages hold no value of a secret (see there)
      throw new SettingException(p + "*", p + "*: " + e.getMessage());
    }
  }

  /** The variables {@link #fromEnv} reads under {@code prefix}. */
  public static List<String> variables(String prefix) {
    return List.of(
        prefix + "URL",
        prefix + "AUTH_HEADER",
        prefix + "BODY_TEMPLATE",
        prefix + "MESSAGE_ID_FIELD",
        prefix + "TIMEOUT_MS");
  }

  /** RFC 9110 token: the characters a header name may use. */
  private static boolean isToken(String s) {
    if (s.isEmpty()) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      boolean ok =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  /** The URL without its query or fragment, for logs. */
  String redactedUrl() {
    String base =
        url.getScheme()
            + "://"
            + url.getHost()
            + (url.getPort() >= 0 ? ":" + url.getPort() : "")
            + (url.getRawPath() == null ? "" : url.getRawPath());
    return url.getRawQuery() == null ? base : base + "?…";
  }

  @Override
  public String toString() {
    return "HttpSmsSettings["
        + redactedUrl()
        + ", authHeader="
        + (authHeaderName == null ? "none" : authHeaderName + ": ****")
        + ", messageIdField="
        + messageIdField
        + ", timeoutMs="
        + timeout.toMillis()
        + (bodyTemplate.equals(DEFAULT_BODY_TEMPLATE) ? "" : ", custom body template")
        + "]";
  }
}
