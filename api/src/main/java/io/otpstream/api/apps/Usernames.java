package io.otpstream.api.apps;

import java.util.regex.Pattern;

/** What an app's user name (the key of its contacts, ZAP's {@code username}) may be. */
public final class Usernames {
  private static final Pattern USERNAME = Pattern.compile("[A-Za-z0-9._@-]{1,64}");

  private Usernames() {}

  /** 1 to 64 letters, digits, or {@code . _ @ -}. */
  public static boolean valid(String username) {
    return username != null && USERNAME.matcher(username).matches();
  }
}
