package io.otpstream.api.errors;

import static org.junit.jupiter.api.Assertions.assertSame;

import io.otpstream.api.prelude.PreludeFamily;
import io.otpstream.api.sendmator.SendmatorFamily;
import io.otpstream.api.zap.ZapFamily;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Which family answers a path: the first that owns it, else the last (Prelude's), whatever the
 * path.
 */
class FamiliesTest {
  private final SendmatorFamily sendmator = new SendmatorFamily();
  private final ZapFamily zap = new ZapFamily();
  private final PreludeFamily prelude = new PreludeFamily();
  private final Families families = new Families(List.of(sendmator, zap, prelude), "too large");

  @Test
  void each_api_is_answered_by_its_own_family() {
    assertSame(sendmator, families.owner("/api/v1/otp/send"));
    assertSame(sendmator, families.owner("/api/v1/otp/no-such-route"));
    assertSame(zap, families.owner("/v1/otp/resend"));
    assertSame(prelude, families.owner("/v1/session/login/otp"));
    assertSame(prelude, families.owner("/v2/session/apps/app-1/keys"));
  }

  @Test
  void a_path_no_api_serves_gets_the_prelude_format() {
    assertSame(prelude, families.owner("/"));
    assertSame(prelude, families.owner("/api/v1/otpx"));
    assertSame(prelude, families.owner("/dev/outbox"));
  }
}
