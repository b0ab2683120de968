package io.otpstream.common.webhook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.otpstream.common.secret.Secrets;
import java.net.InetAddress;
import org.junit.jupiter.api.Test;

/** Webhook URLs: public https only, unless dev mode allows private targets; secrets sealed. */
class WebhookUrlsTest {
  @Test
  void inner_addresses_are_refused_by_default() {
    for (String url :
        new String[] {
          "https://127.0.0.1/hook",
          "https://10.1.2.3/hook",
          "https://172.16.0.1/hook",
          "https://192.168.1.1/hook",
          "https://169.254.169.254/latest/meta-data",
          "https://[::1]/hook",
          "https://[fd00::1]/hook",
          "https://[fe80::1]/hook",
          "https://0.0.0.0/hook",
          "https://[::ffff:127.0.0.1]/hook",
          "https://224.0.0.1/hook",
          "https://100.64.0.1/hook",
          "https://localhost/hook"
        }) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> WebhookUrls.check(url, false), url);
      assertTrue(e.getMessage().contains("public addresses"), url + ": " + e.getMessage());
    }
  }

  @Test
  void http_and_other_schemes_are_refused_by_default() throws Exception {
    assertEquals(
        "url must be https",
        assertThrows(
                IllegalArgumentException.class,
                () -> WebhookUrls.check("http://93.184.215.14/", false))
            .getMessage());
    assertThrows(
        IllegalArgumentException.class, () -> WebhookUrls.check("file:///etc/passwd", true));
    assertThrows(
        IllegalArgumentException.class,
        () -> WebhookUrls.check("https://u:p@93.184.215.14/", false));
    assertTrue(WebhookUrls.isPublic(InetAddress.getByName("93.184.215.14")));
  }

  @Test
  void dev_mode_allows_loopback_over_http() {
    assertEquals(
        "http://127.0.0.1:8080/hook",
        WebhookUrls.check("http://127.0.0.1:8080/hook", true).toString());
  }

  @Test
  void a_sealed_secret_opens_only_for_its_subscription() {
    WebhookSecrets secrets = new WebhookSecrets(new Secrets(Secrets.randomBytes(32)));
    String secret = WebhookSecrets.generate();
    assertTrue(secret.matches("whsec_[A-Za-z0-9+/]{43}="), secret);
    assertEquals(32, WebhookSecrets.keyBytes(secret).length);
    String sealed = secrets.seal("app", "wh_1", secret);
    assertTrue(!sealed.contains(secret.substring(6)));
    assertEquals(secret, secrets.open("app", "wh_1", sealed));
    assertThrows(IllegalArgumentException.class, () -> secrets.open("app", "wh_2", sealed));
  }
}
