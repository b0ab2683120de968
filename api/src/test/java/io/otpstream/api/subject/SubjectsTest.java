package io.otpstream.api.subject;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.otpstream.common.secret.Secrets;
import org.junit.jupiter.api.Test;

/** One mailbox is one subject, however its address is written. */
class SubjectsTest {
  private final Subjects subjects = new Subjects(new Secrets(new byte[32]));

  @Test
  void plus_tags_and_case_do_not_make_a_new_subject() {
    String ada = subjects.subjectId("app-1", "ada@example.com");
    assertEquals(ada, subjects.subjectId("app-1", "ada+news@example.com"));
    assertEquals(ada, subjects.subjectId("app-1", "Ada+x+y@EXAMPLE.com"));
    assertNotEquals(
        ada, subjects.subjectId("app-1", "a.da@example.com"), "dots matter outside Gmail");
    assertNotEquals(ada, subjects.subjectId("app-2", "ada@example.com"));
  }

  @Test
  void gmail_ignores_dots_and_googlemail_is_gmail() {
    assertEquals(
        subjects.subjectId("app-1", "gracehopper@gmail.com"),
        subjects.subjectId("app-1", "grace.hopper+navy@googlemail.com"));
  }

  @Test
  void phone_numbers_are_their_own_subject() {
    assertNotEquals(
        subjects.subjectId("app-1", "+33612345678"), subjects.subjectId("app-1", "+33612345679"));
    assertEquals("+33612345678", Mailboxes.canonical("+33612345678"));
    assertEquals(
        "+tag@example.com",
        Mailboxes.canonical("+tag@example.com"),
        "nothing left before the tag: kept as it is");
  }
}
