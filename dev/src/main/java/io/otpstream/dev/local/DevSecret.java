package io.otpstream.dev.local;

import io.otpstream.common.files.OwnerOnly;
import io.otpstream.common.secret.Secrets;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The local master secret: {@code OTP_SECRET} when set, else one generated once into the data
 * folder, in a file only its owner may read.
 */
final class DevSecret {
  private DevSecret() {}

  static Secrets load(Path dataDir, String fromEnv) throws IOException {
    if (fromEnv != null && !fromEnv.isBlank()) {
      return Secrets.fromBase64(fromEnv);
    }
    Path file = dataDir.resolve("secret");
    if (Files.exists(file)) {
      OwnerOnly.file(file);
    } else {
      OwnerOnly.writeString(file, Secrets.generate() + "\n");
    }
    return Secrets.fromBase64(Files.readString(file));
  }
}
