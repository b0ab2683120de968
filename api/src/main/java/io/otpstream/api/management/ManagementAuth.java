package io.otpstream.api.management;

import io.javalin.http.Context;
import io.otpstream.api.apps.AppDirectory;
import io.otpstream.api.errors.ApiError;
import io.otpstream.common.secret.Secrets;
import java.util.function.Function;

/** {@code Authorization: Bearer <management key>}, checked against the hashes in the catalogue. */
public final class ManagementAuth {
  private ManagementAuth() {
  }

  static void require(Context ctx, AppDirectory directory) {
    require(ctx, directory, ApiError::unauthorized);
  }

  /** The same check for another family: {@code unauthorized} makes its 401 from a message. */
  public static void require(Context ctx, AppDirectory directory, Function<String, RuntimeException> unauthorized) {
    String header = ctx.header("Authorization");
    if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7) || header.length() > 300) {
      throw unauthorized.apply("A management key is required: Authorization: Bearer <management key>");
    }
    if (!directory.isManagementKeyHash(Secrets.sha256Hex(header.substring(7).strip()))) {
      throw unauthorized.apply("Invalid management key");
    }
  }
}
