package io.otpstream.e2e.shape;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * One test-naming convention for every module: a test's name is the sentence it proves, in
 * lower-case words joined by underscores (as in {@code RuleBoundaryTest}), at least three words, so
 * a failure reads as the property that broke.
 */
class TestNamesTest {
  private static final Pattern TEST_ANNOTATION =
      Pattern.compile("(?m)^\\s*@(Test|ParameterizedTest|RepeatedTest|TestFactory)\\b");

  /** The method an annotation stands on: its return type (void or a stream of tests), its name. */
  private static final Pattern METHOD =
      Pattern.compile("\\b(?:void|Stream<[^>]*>|Collection<[^>]*>|List<[^>]*>)\\s+(\\w+)\\s*\\(");

  private static final Pattern SENTENCE = Pattern.compile("[a-z0-9]+(_[a-z0-9]+){2,}");

  @Test
  void every_test_in_every_module_is_named_as_a_snake_case_sentence() throws IOException {
    Path root = Path.of("").toAbsolutePath().getParent();
    List<String> names = new ArrayList<>();
    List<String> offenders = new ArrayList<>();
    try (Stream<Path> files = Files.walk(root, 12)) {
      files
          .filter(p -> p.toString().endsWith(".java"))
          .filter(p -> p.toString().contains("/src/test/java/"))
          .forEach(
              p -> {
                for (String name : testNames(p)) {
                  names.add(name);
                  if (!SENTENCE.matcher(name).matches()) {
                    offenders.add(root.relativize(p) + " " + name);
                  }
                }
              });
    }
    assertTrue(names.size() > 300, "found only " + names.size() + " tests under " + root);
    assertEquals(List.of(), offenders);
  }

  @Test
  void a_camel_case_name_is_caught_by_the_check() {
    String source = "class T {\n  @Test\n  void bindsAndSubmits() {}\n}\n";
    List<String> names = namesIn(source);
    assertEquals(List.of("bindsAndSubmits"), names);
    assertTrue(!SENTENCE.matcher(names.get(0)).matches());
  }

  private static List<String> testNames(Path file) {
    try {
      return namesIn(Files.readString(file));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static List<String> namesIn(String source) {
    List<String> names = new ArrayList<>();
    Matcher annotation = TEST_ANNOTATION.matcher(source);
    while (annotation.find()) {
      Matcher method = METHOD.matcher(source);
      if (method.find(annotation.end())) {
        names.add(method.group(1));
      }
    }
    return names;
  }
}
