package io.otpstream.dispatcher.template;

/**
 * Fills a template's {@code {{code}}}, {@code {{app_name}}} and {@code {{minutes}}}, in one pass.
 */
public final class Placeholders {
  private Placeholders() {}

  /**
   * @param html escape the app name for HTML (the code and minutes are digits)
   */
  public static String fill(
      String template, String code, String appName, long minutes, boolean html) {
    String name = html ? escape(appName) : appName;
    StringBuilder out = new StringBuilder(template.length() + 16);
    int i = 0;
    while (i < template.length()) {
      if (template.startsWith("{{code}}", i)) {
        out.append(code);
        i += 8;
      } else if (template.startsWith("{{app_name}}", i)) {
        out.append(name);
        i += 12;
      } else if (template.startsWith("{{minutes}}", i)) {
        out.append(minutes);
        i += 11;
      } else {
        out.append(template.charAt(i++));
      }
    }
    return out.toString();
  }

  public static String escape(String s) {
    return s.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\"", "&quot;")
        .replace("'", "&#39;");
  }
}
