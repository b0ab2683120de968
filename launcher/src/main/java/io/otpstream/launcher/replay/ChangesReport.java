package io.otpstream.launcher.replay;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.otpstream.common.json.Json;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.util.List;

/**
 * A backtest's {@link Changes} for a person (a table with examples) or for tools (one JSON object).
 *
 * @param fields the settings the backtest changed, by their settings API names
 * @param app the app whose commands took them; null: every app
 * @param price what one message costs, for the cost of those not sent; null: not given
 * @param currency said after a cost; may be empty
 * @param examples how many examples of each kind are shown
 */
record ChangesReport(
    Changes changes,
    List<String> fields,
    String app,
    BigDecimal price,
    String currency,
    int examples) {

  void printText(PrintWriter out) {
    Changes c = changes;
    out.printf(
        "backtest of %d commands: %s changed for %s%n",
        c.commands, String.join(", ", fields), app == null ? "every app" : "app " + app);
    out.printf("%-30s %9s %9s %7s%n", "refusals by rule", "recorded", "backtest", "change");
    c.refusals.forEach(
        (rule, n) -> out.printf("%-30s %9d %9d %+7d%n", rule, n[0], n[1], n[1] - n[0]));
    out.printf("decisions changed: %d commands%n", c.changed.size());
    c.changed.stream()
        .limit(examples)
        .forEach(
            x ->
                out.printf(
                    "  %s (session %s): %s -> %s%n",
                    x.commandId(), x.sessionId(), x.recorded(), x.backtest()));
    out.printf(
        "sessions that would have locked: %d, that would not have: %d%n",
        c.lockedMore.size(), c.lockedFewer.size());
    c.lockedMore.stream().limit(examples).forEach(s -> out.printf("  locked: %s%n", s));
    out.printf(
        "messages: %d recorded, %d in the backtest: %d would not have been sent %s, %d more would"
            + " have been%n",
        c.messagesRecorded,
        c.messagesBacktest,
        c.notSent.size(),
        Changes.perChannel(c.notSent),
        c.sentMore.size());
    if (price != null) {
      out.printf(
          "cost of the messages not sent: %s%s at %s per message%n",
          cost(c.notSent.size()).toPlainString(),
          currency.isEmpty() ? "" : " " + currency,
          price.toPlainString());
    }
    c.notSent.stream()
        .limit(examples)
        .forEach(
            m ->
                out.printf(
                    "  not sent: %s to session %s (send %d)%n",
                    m.channel(), m.sessionId(), m.generation()));
    out.flush();
  }

  void printJson(PrintWriter out) {
    Changes c = changes;
    ObjectNode o = Json.MAPPER.createObjectNode();
    o.put("commands", c.commands);
    fields.forEach(o.putArray("settings_changed")::add);
    o.put("app", app);
    ObjectNode refusals = o.putObject("refusals");
    c.refusals.forEach(
        (rule, n) -> refusals.putObject(rule).put("recorded", n[0]).put("backtest", n[1]));
    o.put("decisions_changed", c.changed.size());
    ArrayNode changed = o.putArray("changed_examples");
    c.changed.stream()
        .limit(examples)
        .forEach(
            x -> {
              ObjectNode e = changed.addObject();
              e.put("command_id", x.commandId()).put("session_id", x.sessionId());
              x.recorded().forEach(e.putArray("recorded")::add);
              x.backtest().forEach(e.putArray("backtest")::add);
            });
    ObjectNode locked = o.putObject("sessions_locked");
    locked.put("more", c.lockedMore.size()).put("fewer", c.lockedFewer.size());
    c.lockedMore.stream().limit(examples).forEach(locked.putArray("more_examples")::add);
    ObjectNode messages = o.putObject("messages");
    messages.put("recorded", c.messagesRecorded).put("backtest", c.messagesBacktest);
    messages.put("not_sent", c.notSent.size()).put("sent_more", c.sentMore.size());
    ObjectNode perChannel = messages.putObject("not_sent_per_channel");
    Changes.perChannel(c.notSent).forEach(perChannel::put);
    if (price != null) {
      messages.put("price_per_message", price).put("cost_not_sent", cost(c.notSent.size()));
      messages.put("currency", currency);
    }
    ArrayNode notSent = messages.putArray("not_sent_examples");
    c.notSent.stream()
        .limit(examples)
        .forEach(
            m ->
                notSent
                    .addObject()
                    .put("session_id", m.sessionId())
                    .put("channel", m.channel())
                    .put("generation", m.generation()));
    out.println(o);
    out.flush();
  }

  private BigDecimal cost(int messages) {
    return price.multiply(BigDecimal.valueOf(messages));
  }
}
