package io.otpstream.bench.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class OutboxTailTest {
  @Test
  void lines_cut_anywhere_come_out_whole_and_in_order() {
    OutboxTail.Lines lines = new OutboxTail.Lines();
    byte[] all = "{\"to\":\"+1é\"}\n{\"to\":\"+2\"}\n{\"to".getBytes(StandardCharsets.UTF_8);

    List<String> first = lines.add(all, 10); // inside the two bytes of é
    List<String> rest =
        lines.add(java.util.Arrays.copyOfRange(all, 10, all.length), all.length - 10);
    List<String> last = lines.add("\":\"+3\"}\n".getBytes(StandardCharsets.UTF_8), 8);

    assertEquals(List.of(), first);
    assertEquals(List.of("{\"to\":\"+1é\"}", "{\"to\":\"+2\"}"), rest);
    assertEquals(List.of("{\"to\":\"+3\"}"), last);
  }

  @Test
  void blank_lines_are_skipped_by_the_tail() {
    OutboxTail.Lines lines = new OutboxTail.Lines();
    byte[] b = "\n\n{}\n".getBytes(StandardCharsets.UTF_8);

    assertEquals(List.of("{}"), lines.add(b, b.length));
  }
}
