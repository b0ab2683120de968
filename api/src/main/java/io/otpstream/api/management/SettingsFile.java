package io.otpstream.api.management;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import io.otpstream.api.errors.Refusal;
import io.otpstream.common.json.Json;
import io.otpstream.schemas.apps.AppSettings;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.UnaryOperator;
import org.apache.avro.Schema;

/**
 * Settings written to a file, in the JSON of the settings API ({@code GET /v2/apps/{app}/settings}
 * answers it): the fields it names, checked as a {@code PUT} checks them, replace those a recorded
 * command carried; the fields it leaves out keep theirs. What {@code otpstream replay backtest}
 * decides with.
 */
public final class SettingsFile {
  /** Describe the settings rather than change them. */
  private static final Set<String> IGNORED = Set.of("app_id", "version", "updated_at");

  private static final ObjectMapper MAPPER =
      Json.MAPPER.copy().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  private final AppSettings given;
  private final Set<String> fields;

  private SettingsFile(AppSettings given, Set<String> fields) {
    this.given = given;
    this.fields = fields;
  }

  /**
   * Reads and checks {@code json}.
   *
   * @throws IllegalArgumentException naming what is wrong, as the settings API would
   */
  public static SettingsFile parse(String json) {
    try {
      JsonNode tree = MAPPER.readTree(json);
      if (tree == null || !tree.isObject()) {
        throw new IllegalArgumentException("the settings must be one JSON object");
      }
      Set<String> fields = new TreeSet<>();
      for (Iterator<String> names = tree.fieldNames(); names.hasNext(); ) {
        String name = names.next();
        if (!IGNORED.contains(name) && !tree.get(name).isNull()) {
          fields.add(name);
        }
      }
      if (fields.contains("quota")) {
        throw new IllegalArgumentException(
            "quota cannot be backtested: whether a command passes the quota stage was decided by"
                + " the api when it was recorded");
      }
      if (fields.isEmpty()) {
        throw new IllegalArgumentException("the settings name no field to change");
      }
      SettingsBody body = MAPPER.treeToValue(tree, SettingsBody.class);
      String app = body.appId() == null ? "backtest" : body.appId();
      AppSettings given =
          body.toSettings(
              app, 0, Instant.EPOCH, PhoneNumberUtil.getInstance().getSupportedRegions());
      return new SettingsFile(given, fields);
    } catch (UnrecognizedPropertyException e) {
      throw new IllegalArgumentException("unknown field '" + e.getPropertyName() + "'");
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not valid settings JSON: " + e.getOriginalMessage());
    } catch (Refusal e) {
      throw new IllegalArgumentException(e.getMessage());
    }
  }

  /** The fields the file changes, by their settings API names. */
  public List<String> fields() {
    return new ArrayList<>(fields);
  }

  /** The settings a command carried with this file's fields in place of theirs. */
  public UnaryOperator<AppSettings> over() {
    return inForce -> {
      AppSettings changed = AppSettings.newBuilder(inForce).build();
      for (String name : fields) {
        Schema.Field f = AppSettings.SCHEMA$.getField(name);
        changed.put(f.pos(), given.get(f.pos()));
      }
      return changed;
    };
  }
}
