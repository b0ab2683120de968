package io.otpstream.api.management;

import io.javalin.http.Context;
import io.otpstream.api.apps.AppDirectory;
import io.otpstream.api.errors.Refusal;
import io.otpstream.common.secret.Secrets;

/** {@code Authorization: Bearer <management key>}, checked against the hashes in the catalogue. */
public final class ManagementAuth {
  private ManagementAuth() {
  }

  public static void require(Context ctx, AppDirectory directory) {
    String header = ctx.header("Authorization");
    if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7) || header.length() > 300) {
      throw Refusal.unauthorized("A management key is required: Authorization: Bearer <management key>");
    }
    if (!directory.isManagementKeyHash(Secrets.sha256Hex(header.substring(7).strip()))) {
      throw Refusal.unauthorized("Invalid management key");
    }
  }
}
