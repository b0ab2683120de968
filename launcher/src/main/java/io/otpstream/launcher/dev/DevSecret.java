package io.otpstream.launcher.dev;

import io.otpstream.common.secret.Secrets;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/** The local master secret: {@code OTP_SECRET} when set, else one generated once into the data folder. */
final class DevSecret {
  private DevSecret() {
  }

  static Secrets load(Path dataDir, String fromEnv) throws IOException {
    if (fromEnv != null && !fromEnv.isBlank()) {
      return Secrets.fromBase64(fromEnv);
    }
    Path file = dataDir.resolve("secret");
    if (!Files.exists(file)) {
      Files.createDirectories(dataDir);
      Files.writeString(file, Secrets.generate() + "\n");
      try {
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
      } catch (UnsupportedOperationException e) {
        // not a POSIX file system
      }
    }
    return Secrets.fromBase64(Files.readString(file));
  }
}
