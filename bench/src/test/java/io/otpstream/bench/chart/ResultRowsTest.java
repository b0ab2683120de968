package io.otpstream.bench.chart;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ResultRowsTest {
  private static final String HEADER =
      "target,mode,load,seconds,n,done_per_s,p50_ms,p90_ms,p99_ms,p99_9_ms,max_ms,cpu_ms_per_op,"
          + "outcomes";

  @Test
  void quoted_fields_keep_their_commas_and_doubled_quotes() {
    assertEquals(
        List.of("a, b", "open", "say \"hi\"", ""),
        ResultRows.fields("\"a, b\",open,\"say \"\"hi\"\"\","));
  }

  @Test
  void rows_are_read_by_column_name_from_a_results_file() {
    List<ResultRows.Row> rows =
        ResultRows.parse(
            List.of(
                HEADER,
                "\"otpstream sandbox send\",open,200,10.0,2000,199.0,93.1,181.5,436.5,494.8,514.0,"
                    + "5.95,\"200=2000\"",
                ""));

    assertEquals(
        List.of(new ResultRows.Row("otpstream sandbox send", "open", 200, 199.0, 93.1, 436.5)),
        rows);
  }

  @Test
  void chart_series_hold_open_loops_only_sorted_by_rate() {
    List<ResultRows.Row> rows =
        List.of(
            new ResultRows.Row("b", "open", 200, 200, 2, 4),
            new ResultRows.Row("a", "open", 200, 200, 2, 4),
            new ResultRows.Row("b", "open", 50, 50, 1, 3),
            new ResultRows.Row("b", "closed", 8, 300, 1, 3));

    Map<String, List<ResultRows.Row>> series = LatencyChart.series(rows);

    assertEquals(List.of("b", "a"), List.copyOf(series.keySet()));
    assertEquals(List.of(50, 200), series.get("b").stream().map(ResultRows.Row::load).toList());
  }

  @Test
  void chart_text_escapes_markup_characters() {
    assertEquals("a &lt;b&gt; &amp; &quot;c&quot;", LatencyChart.escape("a <b> & \"c\""));
  }
}
