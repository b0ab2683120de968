package io.otpstream.api;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.constructors;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import io.otpstream.api.apps.AppDirectory;
import io.otpstream.api.auth.ManagementAuth;
import io.otpstream.api.errors.ErrorFamily;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The shape the api keeps (issue 11): packages without cycles; each wire family (Sendmator, the
 * Prelude session API, management, ZAP) only parses, calls {@code otp} and renders, and never
 * borrows from another family; commands and Kafka stay behind {@code otp}, {@code gateway} and
 * {@code apps}; one error family per wire format, registered once; one management-key check.
 */
class ApiShapeTest {
  private static final String API = "io.otpstream.api";
  private static final List<String> FAMILIES =
      List.of(API + ".sendmator..", API + ".session..", API + ".zap..", API + ".management..");

  private static JavaClasses api;

  @BeforeAll
  static void importBytecode() {
    api =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages(API);
  }

  @Test
  void the_api_packages_have_no_import_cycle() {
    slices().matching(API + ".(*)..").should().beFreeOfCycles().check(api);
  }

  @Test
  void no_wire_family_depends_on_another_family() {
    for (String family : FAMILIES) {
      String[] others = FAMILIES.stream().filter(f -> !f.equals(family)).toArray(String[]::new);
      noClasses()
          .that()
          .resideInAPackage(family)
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(others)
          .check(api);
    }
  }

  @Test
  void only_the_flows_the_gateway_and_the_destinations_build_commands() {
    noClasses()
        .that()
        .resideOutsideOfPackages(API + ".otp..", API + ".gateway..", API + ".destination..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("io.otpstream.schemas.command..")
        .check(api);
  }

  @Test
  void only_the_gateway_and_the_app_catalogue_talk_to_kafka() {
    noClasses()
        .that()
        .resideOutsideOfPackages(API + ".gateway..", API + ".apps..")
        .and()
        .doNotHaveFullyQualifiedName(ApiServer.class.getName())
        .should()
        .dependOnClassesThat()
        .resideInAPackage("org.apache.kafka.clients..")
        .check(api);
  }

  @Test
  void error_families_live_in_their_wire_format_packages_and_are_registered_by_the_server_only() {
    classes()
        .that()
        .implement(ErrorFamily.class)
        .should()
        .resideInAnyPackage(API + ".sendmator..", API + ".prelude..", API + ".zap..")
        .check(api);
    constructors()
        .that()
        .areDeclaredInClassesThat()
        .implement(ErrorFamily.class)
        .should()
        .onlyBeCalled()
        .byClassesThat()
        .haveFullyQualifiedName(ApiServer.class.getName())
        .check(api);
  }

  @Test
  void only_the_management_filter_checks_a_management_key() {
    noClasses()
        .that()
        .doNotBelongToAnyOf(ManagementAuth.class)
        .should()
        .callMethod(AppDirectory.class, "isManagementKeyHash", String.class)
        .check(api);
  }

  @Test
  void the_rules_see_the_classes_they_guard() {
    // each rule above would pass vacuously if the import missed what it guards
    classes()
        .that()
        .haveSimpleName("OtpFlows")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("io.otpstream.schemas.command..")
        .check(api);
    classes()
        .that()
        .haveSimpleName("CommandGateway")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("org.apache.kafka.clients..")
        .check(api);
    classes()
        .that()
        .implement(ErrorFamily.class)
        .should()
        .haveSimpleNameEndingWith("Family")
        .check(api);
  }
}
