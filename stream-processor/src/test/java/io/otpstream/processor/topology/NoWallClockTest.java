package io.otpstream.processor.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.AccessTarget;
import com.tngtech.archunit.core.domain.AccessTarget.CodeUnitAccessTarget;
import com.tngtech.archunit.core.domain.JavaAccess;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A replay runs days or years after the original, so a decision that read the wall clock would
 * decide differently, and a replay that starts seconds later would not show it. So no code the
 * processor runs may read the wall clock: this reads the bytecode of every class of the processor
 * and of every method of ours (common, schemas) that it calls, transitively, and lists each call to
 * a clock ({@code System.currentTimeMillis}, {@code Instant.now}, {@code Clock}, Kafka's {@code
 * Time}, {@code ProcessorContext.currentSystemTimeMs}, a wall-clock punctuator...). Time is the
 * command's {@code occurred_at}; housekeeping runs on stream time. Nor may it draw a random number:
 * codes are derived, never drawn.
 */
class NoWallClockTest {
  /**
   * Code units (ArchUnit's full name) allowed to read the clock, with why: e.g. a latency metric
   * that no decision reads. None today: every punctuator runs on STREAM_TIME.
   */
  private static final Map<String, String> ALLOWED = Map.of();

  private static final String CONSTRUCTOR = "<init>";
  private static final Set<String> CLOCK_TYPES =
      Set.of(
          "java.time.Clock",
          "java.time.InstantSource",
          "org.apache.kafka.common.utils.Time",
          "org.apache.kafka.common.utils.SystemTime");
  private static final Set<String> RANDOM_TYPES =
      Set.of(
          "java.util.Random",
          "java.security.SecureRandom",
          "java.util.SplittableRandom",
          "java.util.concurrent.ThreadLocalRandom");

  private static JavaClasses classes;
  private static Set<JavaCodeUnit> reached;

  @BeforeAll
  static void importBytecode() {
    classes =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.otpstream");
    reached = reachedFromTheProcessor();
  }

  @Test
  void the_scan_reads_every_class_of_the_processor_and_what_it_calls_in_common() {
    Set<String> names = new TreeSet<>();
    reached.forEach(u -> names.add(u.getOwner().getName() + "." + u.getName()));
    for (String expected :
        List.of(
            "io.otpstream.processor.ProcessorService.replay",
            "io.otpstream.processor.session.SessionRules.onCheck",
            "io.otpstream.processor.quota.QuotaKeeper.process",
            "io.otpstream.processor.limits.RequestLimiter.process",
            "io.otpstream.processor.streams.Sweep.deleteWhere",
            "io.otpstream.common.code.OtpCodes.matches",
            "io.otpstream.common.settings.DefaultSettings.of")) {
      assertTrue(names.contains(expected), expected + " is not in the scan");
    }
  }

  @Test
  void no_code_the_processor_runs_reads_the_wall_clock() {
    assertEquals(List.of(), calls(NoWallClockTest::readsTheClock));
  }

  @Test
  void no_code_the_processor_runs_draws_a_random_number() {
    assertEquals(List.of(), calls(NoWallClockTest::drawsAtRandom));
  }

  private static List<String> calls(Predicate<AccessTarget> forbidden) {
    Set<String> found = new TreeSet<>();
    for (JavaCodeUnit unit : reached) {
      if (ALLOWED.containsKey(unit.getFullName())) {
        continue;
      }
      for (JavaAccess<?> access : unit.getAccessesFromSelf()) {
        if (forbidden.test(access.getTarget())) {
          found.add(
              unit.getFullName()
                  + " ("
                  + unit.getOwner().getSimpleName()
                  + ".java:"
                  + access.getLineNumber()
                  + ") uses "
                  + access.getTarget().getFullName());
        }
      }
    }
    return List.copyOf(found);
  }

  private static boolean readsTheClock(AccessTarget t) {
    String owner = t.getOwner().getName();
    String name = t.getName();
    return owner.equals("java.lang.System")
            && (name.equals("currentTimeMillis") || name.equals("nanoTime"))
        || owner.startsWith("java.time.") && (name.equals("now") || name.equals("dateNow"))
        || CLOCK_TYPES.contains(owner) && !name.equals("SYSTEM")
        || (owner.equals("java.util.Date") || owner.equals("java.util.GregorianCalendar"))
            && noArgConstructor(t)
        || owner.equals("java.util.Calendar") && name.equals("getInstance")
        || owner.startsWith("org.apache.kafka.streams.") && name.equals("currentSystemTimeMs")
        || owner.equals("org.apache.kafka.streams.processor.PunctuationType")
            && name.equals("WALL_CLOCK_TIME");
  }

  private static boolean drawsAtRandom(AccessTarget t) {
    String owner = t.getOwner().getName();
    String name = t.getName();
    // making a generator is not drawing from it (Secrets holds one for new master secrets)
    return RANDOM_TYPES.contains(owner)
            && (name.startsWith("next")
                || Set.of("ints", "longs", "doubles", "generateSeed").contains(name))
        || (owner.equals("java.lang.Math") || owner.equals("java.lang.StrictMath"))
            && name.equals("random")
        || owner.equals("java.util.UUID") && name.equals("randomUUID");
  }

  private static boolean noArgConstructor(AccessTarget t) {
    return t.getName().equals(CONSTRUCTOR)
        && t instanceof CodeUnitAccessTarget c
        && c.getRawParameterTypes().isEmpty();
  }

  /**
   * Every code unit of the processor's classes, then whatever code of ours they call or reference,
   * transitively: the resolved target, its overrides in subclasses, and each reached class's static
   * initializer. Calls written in lambdas count for the method that holds the lambda.
   */
  private static Set<JavaCodeUnit> reachedFromTheProcessor() {
    Set<JavaCodeUnit> seen = new LinkedHashSet<>();
    Deque<JavaCodeUnit> todo = new ArrayDeque<>();
    for (JavaClass c : classes) {
      if (c.getPackageName().startsWith("io.otpstream.processor")) {
        todo.addAll(c.getCodeUnits());
      }
    }
    assertTrue(
        todo.size() > 50,
        "the processor's classes are on the classpath: " + todo.size() + " code units");
    while (!todo.isEmpty()) {
      JavaCodeUnit unit = todo.pop();
      if (!seen.add(unit)) {
        continue;
      }
      unit.getOwner().getStaticInitializer().ifPresent(todo::add);
      for (JavaAccess<?> access : unit.getAccessesFromSelf()) {
        if (access.getTarget() instanceof CodeUnitAccessTarget target && ours(target.getOwner())) {
          target.resolveMember().ifPresent(todo::add);
          List<String> parameters =
              target.getRawParameterTypes().stream().map(JavaClass::getName).toList();
          for (JavaClass sub : target.getOwner().getAllSubclasses()) {
            sub.tryGetCodeUnitWithParameterTypeNames(target.getName(), parameters)
                .ifPresent(todo::add);
          }
        }
      }
    }
    return seen;
  }

  private static boolean ours(JavaClass c) {
    return c.getPackageName().startsWith("io.otpstream.");
  }
}
