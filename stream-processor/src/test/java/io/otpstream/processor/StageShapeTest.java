package io.otpstream.processor;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaMethodCall;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.List;
import java.util.Set;
import org.apache.kafka.streams.processor.api.Processor;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The shape every stage keeps (issue 11): pure rules returning a decision, a thin Kafka Streams
 * adapter (the stage's {@link Processor}) that reads stores, calls the rules, writes state and
 * forwards, and shared pieces in {@code decision} (pure) and {@code streams} (the adapters' store
 * and sink plumbing). A stage never borrows from another stage, and nothing mutates the record it
 * was given: it builds a new one. Read from bytecode, so a use of a compile-time constant (inlined
 * by javac, e.g. a {@code Names} string) is not seen.
 */
class StageShapeTest {
  private static final String ROOT = "io.otpstream.processor";
  private static final List<String> STAGES =
      List.of(ROOT + ".quota..", ROOT + ".limits..", ROOT + ".session..");
  private static final String DECISION = ROOT + ".decision..";
  private static final String STREAMS_API = "org.apache.kafka.streams..";

  /** The records a stage reads from its input topics. */
  private static final Set<String> INPUT_RECORDS =
      Set.of(
          "io.otpstream.schemas.command.OtpCommand",
          "io.otpstream.schemas.command.OtpRequested",
          "io.otpstream.schemas.command.OtpRetried",
          "io.otpstream.schemas.command.OtpCheckRequested",
          "io.otpstream.schemas.command.CommandMeta",
          "io.otpstream.schemas.command.SubmittedCode",
          "io.otpstream.schemas.quota.QuotaRefund",
          "io.otpstream.schemas.delivery.DeliveryStatus");

  private static JavaClasses processor;

  @BeforeAll
  static void importBytecode() {
    processor =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages(ROOT);
  }

  @Test
  void no_stage_package_imports_another_stage_package() {
    for (String stage : STAGES) {
      String[] others = STAGES.stream().filter(s -> !s.equals(stage)).toArray(String[]::new);
      noClasses()
          .that()
          .resideInAPackage(stage)
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(others)
          .because("a stage uses the shared decision package, never another stage")
          .check(processor);
    }
  }

  @Test
  void the_shared_decision_package_depends_on_no_stage_and_no_kafka_streams() {
    String[] stagesAndStreams =
        List.of(
                ROOT + ".quota..",
                ROOT + ".limits..",
                ROOT + ".session..",
                ROOT + ".topology..",
                ROOT + ".streams..",
                STREAMS_API)
            .toArray(String[]::new);
    noClasses()
        .that()
        .resideInAPackage(DECISION)
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(stagesAndStreams)
        .check(processor);
  }

  @Test
  void only_the_stage_adapters_touch_kafka_streams() {
    noClasses()
        .that()
        .resideInAnyPackage(STAGES.toArray(String[]::new))
        .and()
        .doNotImplement(Processor.class)
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(STREAMS_API, ROOT + ".streams..", ROOT + ".topology..")
        .because("rules are pure: the stage's Processor reads the stores and forwards")
        .check(processor);
  }

  @Test
  void no_class_of_the_processor_calls_a_setter_of_an_input_record() {
    noClasses()
        .should()
        .callMethodWhere(setterOfAnInputRecord())
        .because("an input record is never mutated: a stage builds a new one (newBuilder(old))")
        .check(processor);
  }

  private static DescribedPredicate<JavaMethodCall> setterOfAnInputRecord() {
    return DescribedPredicate.describe(
        "a setter of " + INPUT_RECORDS,
        call ->
            INPUT_RECORDS.contains(call.getTargetOwner().getName())
                && call.getName().startsWith("set"));
  }
}
