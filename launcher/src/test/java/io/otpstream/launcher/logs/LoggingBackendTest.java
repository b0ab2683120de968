package io.otpstream.launcher.logs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import io.otpstream.common.json.Json;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.ServiceLoader;
import org.apache.logging.log4j.LogManager;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.slf4j.spi.SLF4JServiceProvider;

/**
 * The launcher's classpath (what the shaded jar holds) has one logging backend: logback, behind
 * SLF4J, also for the Kafka broker's log4j-api calls; and the JSON lines it writes.
 */
class LoggingBackendTest {
  @Test
  void logback_is_the_one_slf4j_provider_on_the_classpath() {
    List<String> providers =
        ServiceLoader.load(SLF4JServiceProvider.class).stream()
            .map(p -> p.type().getName())
            .toList();
    assertEquals(List.of("ch.qos.logback.classic.spi.LogbackServiceProvider"), providers);
    assertTrue(LoggerFactory.getILoggerFactory() instanceof LoggerContext);
  }

  @Test
  void log4j_api_calls_of_the_broker_reach_logback_and_log4j_core_is_absent() {
    assertThrows(
        ClassNotFoundException.class,
        () -> Class.forName("org.apache.logging.log4j.core.LoggerContext"));
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    ListAppender<ILoggingEvent> seen = new ListAppender<>();
    seen.setContext(context);
    seen.start();
    Logger logger = context.getLogger("kafka.log4j.probe");
    logger.addAppender(seen);
    try {
      LogManager.getLogger("kafka.log4j.probe").warn("through log4j-api");
    } finally {
      logger.detachAppender(seen);
    }
    assertEquals(1, seen.list.size());
    assertEquals("through log4j-api", seen.list.get(0).getFormattedMessage());
  }

  @Test
  void a_json_line_is_one_object_with_the_formatted_message_mdc_and_fields() throws Exception {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    ListAppender<ILoggingEvent> seen = new ListAppender<>();
    seen.setContext(context);
    seen.start();
    Logger logger = context.getLogger("io.otpstream.json.probe");
    logger.addAppender(seen);
    try (MDC.MDCCloseable id = MDC.putCloseable("request_id", "req-1")) {
      org.slf4j.LoggerFactory.getLogger("io.otpstream.json.probe")
          .atInfo()
          .addKeyValue("status", 200)
          .log("delivery {} SENT", "del_1");
    } finally {
      logger.detachAppender(seen);
    }
    JsonLines encoder = new JsonLines();
    encoder.setContext(context);
    encoder.start();
    String line = new String(encoder.encode(seen.list.get(0)), StandardCharsets.UTF_8);
    assertTrue(line.endsWith("\n") && line.indexOf('\n') == line.length() - 1, line);
    JsonNode json = Json.MAPPER.readTree(line);
    assertEquals("INFO", json.get("level").asText());
    assertEquals("io.otpstream.json.probe", json.get("loggerName").asText());
    assertEquals("delivery del_1 SENT", json.get("formattedMessage").asText());
    assertEquals("req-1", json.get("mdc").get("request_id").asText());
    assertTrue(json.get("timestamp").asLong() > 0, line);
    assertTrue(line.contains("\"status\""), line);
    assertTrue(!json.has("arguments") && !json.has("message") && !json.has("context"), line);
  }
}
