package io.otpstream.bench.chart;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The rows of a load bench's {@code results.csv} ({@code target,mode,load,...,p50_ms,...}) that a
 * chart needs, read by column name.
 */
final class ResultRows {
  /** One load step. */
  record Row(String target, String mode, int load, double donePerSecond, double p50, double p99) {}

  private ResultRows() {}

  static List<Row> read(Path csv) throws IOException {
    return parse(Files.readAllLines(csv));
  }

  static List<Row> parse(List<String> lines) {
    List<String> header = fields(lines.get(0));
    int target = header.indexOf("target");
    int mode = header.indexOf("mode");
    int load = header.indexOf("load");
    int done = header.indexOf("done_per_s");
    int p50 = header.indexOf("p50_ms");
    int p99 = header.indexOf("p99_ms");
    List<Row> rows = new ArrayList<>();
    for (String line : lines.subList(1, lines.size())) {
      if (line.isBlank()) {
        continue;
      }
      List<String> f = fields(line);
      rows.add(
          new Row(
              f.get(target),
              f.get(mode),
              Integer.parseInt(f.get(load)),
              Double.parseDouble(f.get(done)),
              Double.parseDouble(f.get(p50)),
              Double.parseDouble(f.get(p99))));
    }
    return rows;
  }

  /** The fields of one CSV line: commas separate, double quotes enclose ("" is a quote). */
  static List<String> fields(String line) {
    List<String> out = new ArrayList<>();
    StringBuilder f = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (quoted) {
        if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
          f.append('"');
          i++;
        } else if (c == '"') {
          quoted = false;
        } else {
          f.append(c);
        }
      } else if (c == '"') {
        quoted = true;
      } else if (c == ',') {
        out.add(f.toString());
        f.setLength(0);
      } else {
        f.append(c);
      }
    }
    out.add(f.toString());
    return out;
  }
}
