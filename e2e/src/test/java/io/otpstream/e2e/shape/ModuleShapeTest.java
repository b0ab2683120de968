package io.otpstream.e2e.shape;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * How the modules lean on each other (issue 11): {@code schemas} under everything, {@code common}
 * only what every service uses, each service on its own, the channel dispatchers on the shared
 * core, the launcher above them all, and dev mode (the embedded broker, in its own jar) above the
 * launcher, which never reaches into it. The webhook dispatcher is a channel dispatcher too. Read
 * from the main bytecode of every module on this module's classpath (the test jars are left out).
 */
class ModuleShapeTest {
  private static JavaClasses main;

  @BeforeAll
  static void importBytecode() {
    main =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .withImportOption(location -> !location.contains("-tests.jar"))
            .importPackages(
                "io.otpstream.schemas",
                "io.otpstream.common",
                "io.otpstream.api",
                "io.otpstream.processor",
                "io.otpstream.dispatcher",
                "io.otpstream.launcher",
                "io.otpstream.dev");
  }

  @Test
  void modules_only_use_the_modules_below_them() {
    layeredArchitecture()
        .consideringOnlyDependenciesInLayers()
        .layer("schemas")
        .definedBy("io.otpstream.schemas..")
        .layer("common")
        .definedBy("io.otpstream.common..")
        .layer("api")
        .definedBy("io.otpstream.api..")
        .layer("processor")
        .definedBy("io.otpstream.processor..")
        .layer("dispatcher-core")
        .definedBy(
            "io.otpstream.dispatcher.delivery..",
            "io.otpstream.dispatcher.provider..",
            "io.otpstream.dispatcher.template..")
        .layer("dispatcher-sms")
        .definedBy("io.otpstream.dispatcher.sms..")
        .layer("dispatcher-email")
        .definedBy("io.otpstream.dispatcher.email..")
        .layer("dispatcher-webhook")
        .definedBy("io.otpstream.dispatcher.webhook..")
        .layer("launcher")
        .definedBy("io.otpstream.launcher..")
        .layer("dev")
        .definedBy("io.otpstream.dev..")
        .whereLayer("dev")
        .mayNotBeAccessedByAnyLayer()
        .whereLayer("launcher")
        .mayOnlyBeAccessedByLayers("dev")
        .whereLayer("api")
        .mayOnlyBeAccessedByLayers("launcher", "dev")
        .whereLayer("processor")
        .mayOnlyBeAccessedByLayers("launcher", "dev")
        .whereLayer("dispatcher-sms")
        .mayOnlyBeAccessedByLayers("launcher", "dev")
        .whereLayer("dispatcher-email")
        .mayOnlyBeAccessedByLayers("launcher", "dev")
        .whereLayer("dispatcher-webhook")
        .mayOnlyBeAccessedByLayers("launcher", "dev")
        .whereLayer("dispatcher-core")
        .mayOnlyBeAccessedByLayers(
            "dispatcher-sms", "dispatcher-email", "dispatcher-webhook", "launcher", "dev")
        .whereLayer("common")
        .mayOnlyBeAccessedByLayers(
            "api",
            "processor",
            "dispatcher-core",
            "dispatcher-sms",
            "dispatcher-email",
            "dispatcher-webhook",
            "launcher",
            "dev")
        .check(main);
  }

  @Test
  void token_and_signing_libraries_are_used_by_the_api_only() {
    noClasses()
        .that()
        .resideOutsideOfPackage("io.otpstream.api..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("com.nimbusds..", "com.google.crypto.tink..")
        .check(main);
  }

  @Test
  void only_dev_mode_uses_the_kafka_broker() {
    // the production jar and images carry no broker (launcher's ProductionJarIT checks the jar)
    noClasses()
        .that()
        .resideOutsideOfPackage("io.otpstream.dev..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "kafka.server..",
            "kafka.tools..",
            "org.apache.kafka.server..",
            "org.apache.kafka.raft..",
            "org.apache.kafka.controller..",
            "org.apache.kafka.metadata..")
        .check(main);
  }

  @Test
  void the_delivery_worker_knows_providers_only_by_their_interface() {
    noClasses()
        .that()
        .resideInAPackage("io.otpstream.dispatcher.delivery..")
        .should()
        .dependOnClassesThat()
        .haveSimpleName("FallbackProvider")
        .check(main);
  }

  @Test
  void every_module_is_seen_by_these_rules() {
    // the rules above would pass vacuously for a module whose classes the import missed
    for (String module :
        List.of(
            "schemas",
            "common",
            "api",
            "processor",
            "dispatcher.delivery",
            "dispatcher.sms",
            "dispatcher.email",
            "launcher",
            "dev")) {
      assertTrue(main.containPackage("io.otpstream." + module), module + " was not imported");
    }
  }
}
