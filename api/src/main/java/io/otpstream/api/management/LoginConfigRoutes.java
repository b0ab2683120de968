package io.otpstream.api.management;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import io.otpstream.api.apps.AppCatalog;
import io.otpstream.api.apps.AppDirectory;
import io.otpstream.api.auth.ManagementAuth;
import io.otpstream.api.body.JsonBodies;
import io.otpstream.api.errors.Echo;
import io.otpstream.api.errors.Refusal;
import io.otpstream.schemas.apps.App;
import io.otpstream.schemas.apps.LoginConfig;
import io.otpstream.schemas.common.Channel;
import java.time.Clock;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * OTP login configurations (Prelude seed 002): {@code POST/GET
 * /v2/session/apps/{appId}/config/login/otp} and {@code GET/DELETE …/{configId}}. At most one
 * default per app and channel: a new default clears the flag on the previous one.
 */
public final class LoginConfigRoutes {
  static final String PATH = AppRoutes.APP + "/config/login/otp";
  private static final Pattern TEMPLATE_ID = Pattern.compile("[A-Za-z0-9_.:-]{1,64}");
  private static final Pattern ALPHA_SENDER = Pattern.compile("(?=.*[A-Za-z])[A-Za-z0-9 ]{1,11}");
  private static final Pattern NUMERIC_SENDER = Pattern.compile("\\+?[0-9]{1,15}");

  record Body(
      @JsonProperty("config_type") String configType,
      @JsonProperty("channel_type") String channelType,
      @JsonProperty("is_default") Boolean isDefault,
      @JsonProperty("template_id") String templateId,
      @JsonProperty("sender_id") String senderId,
      @JsonProperty("grant_change_password") Boolean grantChangePassword) {}

  record View(
      String id,
      @JsonProperty("config_type") String configType,
      @JsonProperty("channel_type") String channelType,
      @JsonProperty("is_default") boolean isDefault,
      @JsonProperty("template_id") String templateId,
      @JsonProperty("sender_id") String senderId,
      @JsonProperty("grant_change_password") boolean grantChangePassword,
      @JsonProperty("created_at") Instant createdAt) {
    static View of(LoginConfig c) {
      return new View(
          c.getId(),
          c.getConfigType(),
          c.getChannelType().name().toLowerCase(Locale.ROOT),
          c.getIsDefault(),
          c.getTemplateId(),
          c.getSenderId(),
          c.getGrantChangePassword(),
          c.getCreatedAt());
    }
  }

  private final AppDirectory directory;
  private final AppCatalog catalog;
  private final Clock clock;

  public LoginConfigRoutes(AppDirectory directory, AppCatalog catalog, Clock clock) {
    this.directory = directory;
    this.catalog = catalog;
    this.clock = clock;
  }

  public void register(RoutesConfig routes) {
    routes.post(PATH, this::create, ManagementAuth.KEY);
    routes.get(PATH, this::list, ManagementAuth.KEY);
    routes.get(PATH + "/{configId}", this::get, ManagementAuth.KEY);
    routes.delete(PATH + "/{configId}", this::delete, ManagementAuth.KEY);
  }

  private void create(Context ctx) {
    App app = ManagementAuth.app(ctx);
    Body b = JsonBodies.read(ctx, Body.class, true);
    if (b.configType() == null) {
      throw Refusal.badRequest("config_type is required and must be \"otp\"");
    }
    if (!"otp".equals(b.configType())) {
      throw Refusal.badRequest("config_type must be \"otp\"");
    }
    Channel channel =
        switch (b.channelType() == null ? "" : b.channelType()) {
          case "sms" -> Channel.SMS;
          case "email" -> Channel.EMAIL;
          default -> throw Refusal.badRequest("channel_type is required: \"sms\" or \"email\"");
        };
    if (b.isDefault() == null) {
      throw Refusal.badRequest("is_default is required (true or false)");
    }
    if (b.templateId() != null && !TEMPLATE_ID.matcher(b.templateId()).matches()) {
      throw Refusal.badRequest("template_id must be 1 to 64 of letters, digits and _ . : -");
    }
    if (b.senderId() != null
        && !ALPHA_SENDER.matcher(b.senderId()).matches()
        && !NUMERIC_SENDER.matcher(b.senderId()).matches()) {
      throw Refusal.badRequest(
          "sender_id must be up to 11 letters, digits and spaces (with a letter), or a number of up to 15 digits");
    }
    String appId = app.getAppId();
    LoginConfig config =
        LoginConfig.newBuilder()
            .setId("lcfg_" + Ids.random26())
            .setAppId(appId)
            .setConfigType("otp")
            .setChannelType(channel)
            .setIsDefault(b.isDefault())
            .setTemplateId(b.templateId())
            .setSenderId(b.senderId())
            .setGrantChangePassword(Boolean.TRUE.equals(b.grantChangePassword()))
            .setCreatedAt(clock.instant())
            .build();
    if (config.getIsDefault()) {
      for (LoginConfig old : directory.loginConfigs(appId)) {
        if (old.getIsDefault() && old.getChannelType() == channel) {
          catalog.putLoginConfig(LoginConfig.newBuilder(old).setIsDefault(false).build());
        }
      }
    }
    catalog.putLoginConfig(config);
    directory.await(() -> directory.loginConfig(appId, config.getId()).isPresent());
    ctx.status(HttpStatus.CREATED).json(View.of(config));
  }

  private void list(Context ctx) {
    App app = ManagementAuth.app(ctx);
    ctx.json(
        Map.of("configs", directory.loginConfigs(app.getAppId()).stream().map(View::of).toList()));
  }

  private void get(Context ctx) {
    ctx.json(View.of(known(ctx)));
  }

  private void delete(Context ctx) {
    LoginConfig c = known(ctx);
    catalog.deleteLoginConfig(c.getAppId(), c.getId());
    directory.await(() -> directory.loginConfig(c.getAppId(), c.getId()).isEmpty());
    ctx.status(HttpStatus.NO_CONTENT);
  }

  private LoginConfig known(Context ctx) {
    App app = ManagementAuth.app(ctx);
    String id = ctx.pathParam("configId");
    return directory
        .loginConfig(app.getAppId(), id)
        .orElseThrow(
            () ->
                Refusal.notFound(
                    "App " + app.getAppId() + " has no login config '" + Echo.of(id, 64) + "'"));
  }
}
