package io.otpstream.common.files;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Folders and files only their owner may read: the dev data folder and what it holds in clear (the
 * master secret, the demo app's keys, the outbox's codes). A new file gets its permissions when it
 * is created, before anything is written to it; an existing one, left by an earlier version, is
 * tightened. On a file system without POSIX permissions they are created as usual.
 */
public final class OwnerOnly {
  private static final Set<PosixFilePermission> FOLDER =
      PosixFilePermissions.fromString("rwx------");
  private static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");

  private OwnerOnly() {}

  /**
   * Creates the folder (and its missing parents) owner-only, or makes the existing folder so. A
   * folder everyone may write to (such as {@code /tmp}) is shared, not ours: it is refused, not
   * changed.
   */
  public static Path folder(Path dir) throws IOException {
    if (!posix(dir)) {
      return Files.createDirectories(dir);
    }
    Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(FOLDER));
    if (Files.getPosixFilePermissions(dir).contains(PosixFilePermission.OTHERS_WRITE)) {
      throw new IOException(dir + " is writable by everyone; use a folder of your own");
    }
    try {
      Files.setPosixFilePermissions(dir, FOLDER);
    } catch (IOException e) {
      throw new IOException(
          "cannot make " + dir + " readable by its owner only (use a folder of your own): " + e, e);
    }
    return dir;
  }

  /**
   * Creates the file empty and owner-only (its missing parent folders too), or makes the existing
   * file owner-only. Existing parent folders are left as they are.
   */
  public static Path file(Path file) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    if (!posix(parent)) {
      Files.createDirectories(parent);
      if (!Files.exists(file)) {
        Files.createFile(file);
      }
      return file;
    }
    Files.createDirectories(parent, PosixFilePermissions.asFileAttribute(FOLDER));
    try {
      Files.createFile(file, PosixFilePermissions.asFileAttribute(FILE));
    } catch (FileAlreadyExistsException e) {
      Files.setPosixFilePermissions(file, FILE);
    }
    return file;
  }

  /** Replaces the file's content; the file is owner-only before the content is written. */
  public static void writeString(Path file, String content) throws IOException {
    Files.writeString(
        file(file), content, StandardCharsets.UTF_8, StandardOpenOption.TRUNCATE_EXISTING);
  }

  private static boolean posix(Path path) {
    return path.getFileSystem().supportedFileAttributeViews().contains("posix");
  }
}
