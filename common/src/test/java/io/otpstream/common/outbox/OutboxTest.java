package io.otpstream.common.outbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The outbox holds codes in clear: only its owner may read it. */
class OutboxTest {
  @TempDir Path dir;

  @BeforeEach
  void posix() {
    assumeTrue(
        dir.getFileSystem().supportedFileAttributeViews().contains("posix"), "POSIX permissions");
  }

  private static OutboxMessage message(String body) {
    return new OutboxMessage(
        "sms", "+14155550100", null, body, Instant.EPOCH, "ses_1", "ses_1:0:sms");
  }

  private static String permissions(Path p) throws Exception {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
  }

  @Test
  void a_new_outbox_file_and_its_missing_folder_are_owner_only() throws Exception {
    Path file = dir.resolve("new").resolve("outbox.jsonl");
    Outbox outbox = new Outbox(file);
    outbox.deliver(message("Your code is 123456"));
    assertEquals("rw-------", permissions(file));
    assertEquals("rwx------", permissions(file.getParent()));
    assertEquals(1, new Outbox(file).list().size(), "the message was written");
  }

  @Test
  void an_outbox_file_others_could_read_is_made_owner_only_when_opened() throws Exception {
    Path file = dir.resolve("outbox.jsonl");
    Files.writeString(file, "");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
    new Outbox(file);
    assertEquals("rw-------", permissions(file));
  }
}
