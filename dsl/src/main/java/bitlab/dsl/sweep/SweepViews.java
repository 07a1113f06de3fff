package bitlab.dsl.sweep;

import bitlab.dsl.display.ChartImages;
import bitlab.dsl.display.TableHtml;
import bitlab.dsl.sweep.job.JobResult;
import bitlab.dsl.sweep.job.SweepRow;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/** A sweep's rows as a table and as accuracy against cost per method. */
final class SweepViews {
  private SweepViews() {}

  static Table table(String title, List<SweepRow> rows, List<String> targets) {
    IntColumn job = IntColumn.create("job");
    StringColumn model = StringColumn.create("model");
    StringColumn target = StringColumn.create("target");
    StringColumn budget = StringColumn.create("budget");
    StringColumn method = StringColumn.create("method");
    StringColumn seed = StringColumn.create("seed");
    DoubleColumn val = DoubleColumn.create("validation %");
    DoubleColumn test = DoubleColumn.create("test %");
    DoubleColumn frac = DoubleColumn.create("cost / 8-bit");
    Map<String, DoubleColumn> latency = new LinkedHashMap<>();
    for (String t : targets) latency.put(t, DoubleColumn.create("latency ms @" + t));
    DoubleColumn size = DoubleColumn.create("size KiB");
    DoubleColumn seconds = DoubleColumn.create("seconds");
    StringColumn worker = StringColumn.create("worker");
    for (SweepRow r : rows) {
      job.append(r.job());
      model.append(r.model());
      target.append(r.target().isEmpty() ? "-" : r.target());
      budget.append(r.budget());
      method.append(r.method());
      seed.append(r.seed());
      val.append(round(r.validationAccuracy(), 2));
      test.append(round(r.testAccuracy(), 2));
      frac.append(round(r.costVs8Bit(), 3));
      for (String t : targets)
        latency.get(t).append(round(r.costs().getOrDefault("latency_ms@" + t, Double.NaN), 4));
      size.append(round(r.costs().getOrDefault("size_kib", Double.NaN), 2));
      seconds.append(round(r.seconds(), 1));
      worker.append(r.worker());
    }
    Table t = Table.create(title, job, model, target, budget, method, seed, val, test, frac);
    latency.values().forEach(t::addColumns);
    t.addColumns(size, seconds, worker);
    return t;
  }

  /** Test accuracy against the cost in the budget's resource (fraction of 8-bit), one series per method (and model, if several). */
  static XYChart chart(String title, List<SweepRow> rows) {
    XYChart c = new XYChartBuilder()
        .width(900)
        .height(420)
        .title(title)
        .xAxisTitle("cost in the budget's resource, fraction of the all-8-bit cost")
        .yAxisTitle("test accuracy, %")
        .build();
    c.getStyler()
        .setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter)
        .setMarkerSize(9)
        .setLegendPosition(Styler.LegendPosition.OutsideE);
    boolean models = rows.stream().map(SweepRow::model).distinct().count() > 1;
    Map<String, List<double[]>> series = new LinkedHashMap<>();
    for (SweepRow r : rows) {
      if (Double.isNaN(r.costVs8Bit()) || Double.isNaN(r.testAccuracy())) continue;
      String name = models ? r.model() + " " + r.method() : r.method();
      series
          .computeIfAbsent(name, k -> new ArrayList<>())
          .add(new double[] {r.costVs8Bit(), r.testAccuracy()});
    }
    for (Map.Entry<String, List<double[]>> e : series.entrySet()) {
      double[] x = e.getValue().stream().mapToDouble(p -> p[0]).toArray();
      double[] y = e.getValue().stream().mapToDouble(p -> p[1]).toArray();
      c.addSeries(e.getKey(), x, y);
    }
    if (series.isEmpty()) c.addSeries("no rows yet", new double[] {0}, new double[] {0});
    return c;
  }

  static String failuresHtml(List<JobResult> failures) {
    if (failures.isEmpty()) return "";
    StringBuilder b = new StringBuilder("<p><b>")
        .append(failures.size())
        .append(failures.size() == 1 ? " job" : " jobs")
        .append(
            " failed</b> (the other rows are kept; run the sweep again to retry them):</p><ul>");
    for (JobResult f : failures)
      b.append("<li>").append(TableHtml.escape(f.error())).append("</li>");
    return b.append("</ul>").toString();
  }

  static String img(XYChart chart) {
    return "<img src=\"data:image/png;base64," + ChartImages.pngBase64(chart) + "\"/>";
  }

  private static double round(double v, int digits) {
    if (Double.isNaN(v)) return v;
    double f = Math.pow(10, digits);
    return Math.round(v * f) / f;
  }
}
