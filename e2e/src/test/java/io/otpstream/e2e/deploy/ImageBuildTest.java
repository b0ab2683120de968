package io.otpstream.e2e.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * What {@code deploy/docker/Dockerfile} promises (it cannot be built here: no Docker engine): base
 * images pinned by version, only the production jar (no dev module, so no broker), a non-root user,
 * a health check per service, and a build context that leaves dev data and build output out.
 */
class ImageBuildTest {
  private static final Path ROOT = ComposeStackTest.ROOT;
  private static final List<String> SERVICES =
      List.of("api", "processor", "dispatcher-sms", "dispatcher-email", "dispatcher-webhook");

  private static String dockerfile() throws IOException {
    return Files.readString(ROOT.resolve("deploy/docker/Dockerfile"));
  }

  /** The lines of the stage {@code FROM ... AS name}, up to the next FROM. */
  static String stage(String dockerfile, String name) {
    Matcher m =
        Pattern.compile("(?ms)^FROM \\S+ AS " + Pattern.quote(name) + "\\s*$(.*?)(?=^FROM |\\z)")
            .matcher(dockerfile);
    assertTrue(m.find(), "no stage " + name);
    return m.group(1);
  }

  @Test
  void base_images_are_pinned_to_a_version_tag() throws IOException {
    Matcher arg = Pattern.compile("(?m)^ARG (\\w+_IMAGE)=(\\S+)$").matcher(dockerfile());
    int images = 0;
    while (arg.find()) {
      images++;
      String image = arg.group(2);
      assertTrue(image.matches("[\\w./-]+:[\\w.-]*\\d[\\w.-]*(@sha256:[0-9a-f]{64})?"), image);
      assertFalse(image.contains(":latest"), image);
    }
    assertEquals(2, images, "the build and the runtime image");
    Matcher from = Pattern.compile("(?m)^FROM (\\S+)").matcher(dockerfile());
    while (from.find()) {
      assertTrue(
          from.group(1).startsWith("${") || List.of("runtime").contains(from.group(1)),
          "FROM " + from.group(1) + " is not one of the pinned images");
    }
  }

  @Test
  void the_image_builds_the_production_jar_only() throws IOException {
    String build = stage(dockerfile(), "build");
    assertTrue(build.contains("-pl launcher -am"), "the build stage must build launcher only");
    assertFalse(build.contains("dev/target"), "the dev jar holds the broker");
    assertTrue(stage(dockerfile(), "runtime").contains("/src/launcher/target/otpstream.jar"));
  }

  @Test
  void every_service_runs_as_a_non_root_user_with_a_health_check() throws IOException {
    String runtime = stage(dockerfile(), "runtime");
    Matcher user = Pattern.compile("(?m)^USER (\\S+)").matcher(runtime);
    assertTrue(user.find(), "the runtime sets no USER");
    assertFalse(user.group(1).matches("(root|0)(:.*)?"), "USER " + user.group(1));
    for (String service : SERVICES) {
      String stage = stage(dockerfile(), service);
      assertFalse(stage.contains("USER "), service + " changes the user");
      assertTrue(stage.contains("HEALTHCHECK --"), service + " has no HEALTHCHECK");
      assertTrue(stage.contains("CMD [\"" + service + "\"]"), service + " runs another command");
    }
  }

  @Test
  void the_build_context_leaves_out_dev_data_and_build_output() throws IOException {
    List<String> ignored = Files.readAllLines(ROOT.resolve(".dockerignore"));
    for (String pattern : List.of(".otpstream/", "**/target/", ".git/")) {
      assertTrue(ignored.contains(pattern), pattern + " is not in .dockerignore");
    }
  }
}
