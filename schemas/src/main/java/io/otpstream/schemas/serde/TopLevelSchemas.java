package io.otpstream.schemas.serde;

import io.otpstream.schemas.apps.AppCatalogRecord;
import io.otpstream.schemas.audit.AuditEvent;
import io.otpstream.schemas.command.OtpCommand;
import io.otpstream.schemas.decision.OtpDecision;
import io.otpstream.schemas.delivery.DeliveryRequested;
import io.otpstream.schemas.delivery.DeliveryStatus;
import io.otpstream.schemas.limits.SlidingWindow;
import io.otpstream.schemas.quota.QuotaState;
import io.otpstream.schemas.session.SessionState;
import io.otpstream.schemas.webhook.WebhookAttempt;
import io.otpstream.schemas.webhook.WebhookDelivery;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;

/**
 * The schemas written as whole values to a topic or a changelog: the ones whose every version must
 * stay in {@link SchemaHistory}.
 *
 * <p>Run {@code main} with the history folder after changing a schema: it adds the current version
 * of each changed schema as the next {@code Name.vN.avsc} and lists it in the index.
 */
public final class TopLevelSchemas {
  public static final List<Schema> CURRENT =
      List.of(
          OtpCommand.getClassSchema(),
          OtpDecision.getClassSchema(),
          DeliveryRequested.getClassSchema(),
          DeliveryStatus.getClassSchema(),
          AuditEvent.getClassSchema(),
          SessionState.getClassSchema(),
          AppCatalogRecord.getClassSchema(),
          SlidingWindow.getClassSchema(),
          QuotaState.getClassSchema(),
          WebhookDelivery.getClassSchema(),
          WebhookAttempt.getClassSchema());

  private TopLevelSchemas() {}

  public static long fingerprint(Schema schema) {
    return SchemaNormalization.parsingFingerprint64(schema);
  }

  public static void main(String[] args) throws IOException {
    Path dir =
        Path.of(
            args.length > 0 ? args[0] : "schemas/src/main/resources/io/otpstream/schemas/history");
    Files.createDirectories(dir);
    Path index = dir.resolve("index.txt");
    List<String> lines = Files.exists(index) ? Files.readAllLines(index) : List.of();
    for (Schema schema : CURRENT) {
      String name = schema.getName();
      long published = lines.stream().filter(l -> l.startsWith(name + ".v")).count();
      boolean known =
          lines.stream()
              .filter(l -> l.startsWith(name + ".v"))
              .anyMatch(
                  l -> {
                    try {
                      return fingerprint(new Schema.Parser().parse(dir.resolve(l).toFile()))
                          == fingerprint(schema);
                    } catch (IOException e) {
                      throw new IllegalStateException(e);
                    }
                  });
      if (!known) {
        String file = name + ".v" + (published + 1) + ".avsc";
        Files.writeString(dir.resolve(file), schema.toString(true) + "\n");
        Files.writeString(index, file + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        System.out.println("published " + file);
      }
    }
  }
}
