package io.otpstream.api.management;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import io.otpstream.api.apps.AppCatalog;
import io.otpstream.api.apps.AppDirectory;
import io.otpstream.api.apps.Usernames;
import io.otpstream.api.auth.ManagementAuth;
import io.otpstream.api.body.JsonBodies;
import io.otpstream.api.destination.Destinations;
import io.otpstream.api.errors.Refusal;
import io.otpstream.schemas.apps.App;
import io.otpstream.schemas.apps.Contact;
import java.time.Clock;
import java.time.Instant;

/**
 * Contacts: where an app's user, named by username, receives codes ({@code PUT/GET/DELETE
 * /v2/session/apps/{appId}/contacts/{username}}). The admin resend (ZAP) resolves usernames here.
 */
public final class ContactRoutes {
  static final String PATH = AppRoutes.APP + "/contacts/{username}";

  record Body(String email, @JsonProperty("phone_number") String phoneNumber) {}

  record View(
      String username,
      String email,
      @JsonProperty("phone_number") String phoneNumber,
      @JsonProperty("updated_at") Instant updatedAt) {
    static View of(Contact c) {
      return new View(c.getUsername(), c.getEmail(), c.getPhoneNumber(), c.getUpdatedAt());
    }
  }

  private final AppDirectory directory;
  private final AppCatalog catalog;
  private final Clock clock;

  public ContactRoutes(AppDirectory directory, AppCatalog catalog, Clock clock) {
    this.directory = directory;
    this.catalog = catalog;
    this.clock = clock;
  }

  public void register(RoutesConfig routes) {
    routes.put(PATH, this::put, ManagementAuth.KEY);
    routes.get(PATH, this::get, ManagementAuth.KEY);
    routes.delete(PATH, this::delete, ManagementAuth.KEY);
  }

  private void put(Context ctx) {
    App app = ManagementAuth.app(ctx);
    String username = username(ctx);
    Body b = JsonBodies.read(ctx, Body.class, true);
    if (b.email() == null && b.phoneNumber() == null) {
      throw Refusal.badRequest("A contact needs email, phone_number or both");
    }
    String email =
        b.email() == null
            ? null
            : Destinations.email(b.email())
                .orElseThrow(
                    () ->
                        Refusal.badRequest(
                            "email must be a valid email address of at most 320 characters"));
    String phone =
        b.phoneNumber() == null
            ? null
            : Destinations.phone(b.phoneNumber())
                .orElseThrow(
                    () ->
                        Refusal.badRequest(
                            "phone_number must be a valid phone number in E.164 format, e.g. +14155550123"));
    Contact c = new Contact(app.getAppId(), username, email, phone, clock.instant());
    catalog.putContact(c);
    directory.await(() -> directory.contact(app.getAppId(), username).map(c::equals).orElse(false));
    ctx.json(View.of(c));
  }

  private void get(Context ctx) {
    ctx.json(View.of(known(ctx)));
  }

  private void delete(Context ctx) {
    Contact c = known(ctx);
    catalog.deleteContact(c.getAppId(), c.getUsername());
    directory.await(() -> directory.contact(c.getAppId(), c.getUsername()).isEmpty());
    ctx.status(HttpStatus.NO_CONTENT);
  }

  private Contact known(Context ctx) {
    App app = ManagementAuth.app(ctx);
    String username = username(ctx);
    return directory
        .contact(app.getAppId(), username)
        .orElseThrow(
            () -> Refusal.notFound("App " + app.getAppId() + " has no contact '" + username + "'"));
  }

  private static String username(Context ctx) {
    String u = ctx.pathParam("username");
    if (!Usernames.valid(u)) {
      throw Refusal.badRequest("username must be 1 to 64 of letters, digits and . _ @ -");
    }
    return u;
  }
}
