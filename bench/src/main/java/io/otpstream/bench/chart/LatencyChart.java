package io.otpstream.bench.chart;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Issue 15's chart: latency (p50 solid, p99 dashed; log scale) against the offered rate of the open
 * loops, one line pair per target (otpstream's scenarios, limits (a) and (b)), one chart per bench
 * run, as a static HTML page with inline SVG (no script, nothing fetched) beside a table of the
 * plotted figures. A point where the target answered less than 95 % of the offered rate is drawn
 * hollow: there it queued.
 *
 * <p>Run: {@code java -cp bench.jar io.otpstream.bench.chart.LatencyChart out.html "title=dir/
 * results.csv" ...}
 */
public final class LatencyChart {
  private static final String[] COLOURS = {
    "#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#e6ab02", "#a6761d", "#666666",
    "#1f78b4", "#b2df8a"
  };
  private static final int WIDTH = 980;
  private static final int HEIGHT = 440;
  private static final int LEFT = 70;
  private static final int RIGHT = 640;
  private static final int TOP = 20;
  private static final int BOTTOM = 390;

  private LatencyChart() {}

  public static void main(String[] args) throws IOException {
    StringBuilder html =
        new StringBuilder(
            "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>otpstream latency against"
                + " offered rate</title>\n<style>body{font-family:sans-serif;margin:2em}"
                + "table{border-collapse:collapse;font-size:13px}td,th{border:1px solid #ccc;"
                + "padding:2px 6px;text-align:right}td:first-child{text-align:left}</style>"
                + "</head><body>\n<h1>otpstream: latency against offered rate (open loop)</h1>\n"
                + "<p>p50 solid, p99 dashed, log scale; a hollow point: fewer than 95 % of the"
                + " offered requests answered per second (queueing). Latency of each request from"
                + " when it was due (no coordinated omission).</p>\n");
    for (int i = 1; i < args.length; i++) {
      String[] titled = args[i].split("=", 2);
      List<ResultRows.Row> rows = ResultRows.read(Path.of(titled[1]));
      html.append("<h2>").append(escape(titled[0])).append("</h2>\n");
      html.append(svg(rows)).append('\n').append(table(rows));
    }
    html.append("</body></html>\n");
    Path out = Path.of(args[0]);
    if (out.getParent() != null) {
      Files.createDirectories(out.getParent());
    }
    Files.writeString(out, html);
    System.out.println("chart: " + out.toAbsolutePath());
  }

  /** The open-loop rows by target, each sorted by offered rate, targets in order of appearance. */
  static Map<String, List<ResultRows.Row>> series(List<ResultRows.Row> rows) {
    Map<String, List<ResultRows.Row>> byTarget = new LinkedHashMap<>();
    for (ResultRows.Row r : rows) {
      if (r.mode().equals("open")) {
        byTarget.computeIfAbsent(r.target(), k -> new ArrayList<>()).add(r);
      }
    }
    byTarget.values().forEach(l -> l.sort(Comparator.comparingInt(ResultRows.Row::load)));
    return byTarget;
  }

  static String svg(List<ResultRows.Row> rows) {
    Map<String, List<ResultRows.Row>> series = series(rows);
    List<ResultRows.Row> open = series.values().stream().flatMap(List::stream).toList();
    if (open.isEmpty()) {
      return "<p>(no open-loop steps)</p>";
    }
    Axis x = Axis.linear(open.stream().mapToDouble(ResultRows.Row::load).max().orElse(1));
    Axis y =
        Axis.log(
            open.stream().mapToDouble(ResultRows.Row::p50).min().orElse(1),
            open.stream().mapToDouble(ResultRows.Row::p99).max().orElse(10));
    StringBuilder s =
        new StringBuilder(
            String.format(
                Locale.ROOT,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\""
                    + " font-family=\"sans-serif\" font-size=\"12\">\n",
                WIDTH,
                HEIGHT));
    for (double t : x.ticks()) {
      double px = x.pixel(t, LEFT, RIGHT);
      s.append(line(px, TOP, px, BOTTOM, "#eee", ""));
      s.append(text(px, BOTTOM + 16, "middle", number(t)));
    }
    for (double t : y.ticks()) {
      double py = y.pixel(t, BOTTOM, TOP);
      s.append(line(LEFT, py, RIGHT, py, "#eee", ""));
      s.append(text(LEFT - 6, py + 4, "end", number(t) + " ms"));
    }
    s.append(line(LEFT, BOTTOM, RIGHT, BOTTOM, "#000", ""));
    s.append(line(LEFT, TOP, LEFT, BOTTOM, "#000", ""));
    s.append(text((LEFT + RIGHT) / 2.0, BOTTOM + 36, "middle", "offered rate (requests/s)"));
    int i = 0;
    for (Map.Entry<String, List<ResultRows.Row>> e : series.entrySet()) {
      String colour = COLOURS[i % COLOURS.length];
      for (boolean p99 : new boolean[] {false, true}) {
        StringBuilder points = new StringBuilder();
        for (ResultRows.Row r : e.getValue()) {
          double px = x.pixel(r.load(), LEFT, RIGHT);
          double py = y.pixel(p99 ? r.p99() : r.p50(), BOTTOM, TOP);
          points.append(String.format(Locale.ROOT, "%.1f,%.1f ", px, py));
          boolean queued = r.donePerSecond() < 0.95 * r.load();
          s.append(
              String.format(
                  Locale.ROOT,
                  "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3.5\" stroke=\"%s\" fill=\"%s\"/>\n",
                  px,
                  py,
                  colour,
                  queued ? "white" : colour));
        }
        s.append(
            String.format(
                Locale.ROOT,
                "<polyline points=\"%s\" fill=\"none\" stroke=\"%s\" stroke-width=\"2\"%s/>\n",
                points.toString().strip(),
                colour,
                p99 ? " stroke-dasharray=\"6 4\"" : ""));
      }
      double ly = TOP + 10 + i * 20;
      s.append(line(RIGHT + 20, ly, RIGHT + 50, ly, colour, " stroke-width=\"3\""));
      s.append(text(RIGHT + 56, ly + 4, "start", e.getKey()));
      i++;
    }
    return s.append("</svg>").toString();
  }

  private static String table(List<ResultRows.Row> rows) {
    StringBuilder t =
        new StringBuilder(
            "<table><tr><th>target</th><th>offered/s</th><th>done/s</th><th>p50 ms</th>"
                + "<th>p99 ms</th></tr>\n");
    for (List<ResultRows.Row> l : series(rows).values()) {
      for (ResultRows.Row r : l) {
        t.append(
            String.format(
                Locale.ROOT,
                "<tr><td>%s</td><td>%d</td><td>%.0f</td><td>%.1f</td><td>%.1f</td></tr>\n",
                escape(r.target()),
                r.load(),
                r.donePerSecond(),
                r.p50(),
                r.p99()));
      }
    }
    return t.append("</table>\n").toString();
  }

  private static String line(double x1, double y1, double x2, double y2, String c, String extra) {
    return String.format(
        Locale.ROOT,
        "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\"%s/>\n",
        x1,
        y1,
        x2,
        y2,
        c,
        extra);
  }

  private static String text(double x, double y, String anchor, String content) {
    return String.format(
        Locale.ROOT,
        "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\">%s</text>\n",
        x,
        y,
        anchor,
        escape(content));
  }

  private static String number(double v) {
    return v == Math.rint(v)
        ? Long.toString((long) v)
        : java.math.BigDecimal.valueOf(v).toPlainString();
  }

  static String escape(String s) {
    return s.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\"", "&quot;");
  }
}
