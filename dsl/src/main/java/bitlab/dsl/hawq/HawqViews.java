package bitlab.dsl.hawq;

import bitlab.dsl.display.ChartImages;
import bitlab.dsl.display.MimeBundle;
import bitlab.dsl.display.TableHtml;
import bitlab.hardware.LayerWorkload;
import bitlab.search.Budget;
import bitlab.search.hawq.IlpSolution;
import bitlab.search.hawq.LayerTrace;
import bitlab.search.hawq.Plan;
import bitlab.search.hawq.Traces;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.LongColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/** Tables and charts of HAWQ-V3 results. */
public final class HawqViews {
  private static final int WIDTH = 960;
  private static final int HEIGHT = 400;

  private HawqViews() {}

  /** Per layer: weights, MACs, average trace and its error, chosen pair, perturbation. */
  public static Table bitTable(Plan p) {
    StringColumn layer = StringColumn.create("layer");
    LongColumn weights = LongColumn.create("weights");
    LongColumn macs = LongColumn.create("MACs");
    StringColumn trace = StringColumn.create("avg trace");
    StringColumn bits = StringColumn.create("bits");
    StringColumn omega = StringColumn.create("Omega");
    List<LayerWorkload> work = p.model().workloads();
    for (int i = 0; i < p.layers().size(); i++) {
      String name = p.layers().get(i);
      LayerTrace t = p.traces().layer(name);
      layer.append(name);
      weights.append(work.get(i).weights());
      macs.append(work.get(i).macs());
      trace.append(String.format(Locale.ROOT, "%.3e ± %.1e", t.average(), t.averageError()));
      bits.append(p.solution().bits().get(i).toString());
      omega.append(String.format(Locale.ROOT, "%.3e", p.solution().omega()[i]));
    }
    return Table.create(p.title(), layer, weights, macs, trace, bits, omega);
  }

  /** Per budget: as asked (in words), used, limit, the range any policy spans. */
  public static Table budgetTable(Plan p) {
    StringColumn name = StringColumn.create("budget");
    StringColumn asked = StringColumn.create("asked");
    StringColumn used = StringColumn.create("used");
    StringColumn limit = StringColumn.create("limit");
    DoubleColumn share = DoubleColumn.create("% of limit");
    StringColumn low = StringColumn.create("cheapest policy");
    StringColumn high = StringColumn.create("dearest policy");
    for (IlpSolution.Usage u : p.solution().usage()) {
      Budget b = budget(p, u.budget());
      name.append(u.budget());
      asked.append(b == null ? "" : b.toString());
      used.append(amount(u.used(), b));
      limit.append(amount(u.limit(), b));
      share.append(Math.round(1000 * u.ofLimit()) / 10.0);
      low.append(amount(u.low(), b));
      high.append(amount(u.high(), b));
    }
    return Table.create("budgets", name, asked, used, limit, share, low, high);
  }

  /** Every candidate as a uniform policy: perturbation relative to the plan, budget use, fits or not. */
  public static Table uniformTable(Plan p) {
    StringColumn bits = StringColumn.create("policy");
    StringColumn omega = StringColumn.create("Omega");
    DoubleColumn ratio = DoubleColumn.create("Omega / plan's");
    StringColumn fits = StringColumn.create("meets budgets");
    List<StringColumn> per = new ArrayList<>();
    for (IlpSolution.Usage u : p.solution().usage()) per.add(StringColumn.create(u.budget()));
    bits.append("HAWQ-V3 plan");
    omega.append(String.format(Locale.ROOT, "%.3e", p.omega()));
    ratio.append(1.0);
    fits.append("yes");
    for (int k = 0; k < per.size(); k++)
      per.get(k)
          .append(
              amount(p.solution().usage().get(k).used(), budget(p, per.get(k).name())));
    for (Plan.Uniform u : p.uniform()) {
      bits.append("uniform " + u.bits());
      omega.append(String.format(Locale.ROOT, "%.3e", u.omega()));
      ratio.append(p.omega() > 0 ? Math.round(100 * u.omega() / p.omega()) / 100.0 : Double.NaN);
      fits.append(u.fits() ? "yes" : "no");
      for (int k = 0; k < per.size(); k++)
        per.get(k).append(amount(u.usage().get(k).used(), budget(p, per.get(k).name())));
    }
    Table t = Table.create("the plan beside uniform policies", bits, omega, ratio, fits);
    for (StringColumn c : per) t.addColumns(c);
    return t;
  }

  /**
   * Average Hessian trace per layer on a log scale, graph order (a negative estimate is drawn at its
   * magnitude). The standard errors are in the table beside it: XChart 3.8 draws error bars on a log
   * axis across the whole plot.
   */
  public static CategoryChart traceChart(Traces traces) {
    CategoryChart chart = new CategoryChartBuilder()
        .width(WIDTH)
        .height(HEIGHT)
        .title(
            traces.model() + ": average Hessian trace per layer (" + traces.images() + " images)")
        .xAxisTitle("layer")
        .yAxisTitle("Tr(H) / n")
        .build();
    chart.getStyler().setYAxisLogarithmic(true);
    chart.getStyler().setLegendVisible(false);
    chart.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
    chart.getStyler().setXAxisLabelRotation(traces.layers().size() > 8 ? 60 : 0);
    // Bars start at zero, which a log axis cannot show: points instead.
    chart
        .getStyler()
        .setDefaultSeriesRenderStyle(
            org.knowm.xchart.CategorySeries.CategorySeriesRenderStyle.Scatter);
    chart.getStyler().setMarkerSize(10);
    List<String> names = new ArrayList<>();
    List<Double> y = new ArrayList<>();
    for (LayerTrace t : traces.layers()) {
      names.add(t.layer());
      y.add(Math.max(Math.abs(t.average()), 1e-30));
    }
    chart.addSeries("average trace", names, y);
    return chart;
  }

  public static MimeBundle traces(Traces t) {
    StringColumn layer = StringColumn.create("layer");
    StringColumn avg = StringColumn.create("avg trace");
    StringColumn err = StringColumn.create("± std. error");
    StringColumn tr = StringColumn.create("trace");
    LongColumn n = LongColumn.create("weights");
    for (LayerTrace l : t.layers()) {
      layer.append(l.layer());
      avg.append(String.format(Locale.ROOT, "%.4e", l.average()));
      err.append(String.format(Locale.ROOT, "%.1e", l.averageError()));
      tr.append(String.format(Locale.ROOT, "%.4e", l.trace()));
      n.append(l.parameters());
    }
    Table table = Table.create("Hessian traces", layer, avg, err, tr, n);
    String head = String.format(
        Locale.ROOT,
        "<p><b>%s</b>: Hutchinson on %d images of %s, %d %s probes, %s curvature, %s, %.1f s</p>",
        TableHtml.escape(t.model()),
        t.images(),
        TableHtml.escape(t.data()),
        t.layers().get(0).probes(),
        t.options().probes().name().toLowerCase(Locale.ROOT).replace('_', '-'),
        t.options().curvature().name().toLowerCase(Locale.ROOT),
        t.converged() ? "converged" : "iteration limit reached",
        t.seconds());
    return MimeBundle.html(t.toString(), head + TableHtml.html(table, 200) + img(traceChart(t)));
  }

  public static MimeBundle plan(Plan p) {
    IlpSolution s = p.solution();
    String head = String.format(
        Locale.ROOT,
        "<p><b>%s</b>: total %s %.4e, %s in %.1f ms; policy %s</p>",
        TableHtml.escape(p.title()),
        p.measured()
            ? "measured damage (2 x the loss increase of each layer rounded alone)"
            : "perturbation",
        p.omega(),
        s.verdict(),
        s.millis(),
        TableHtml.escape(p.policy().summary()));
    String html = head
        + TableHtml.html(budgetTable(p))
        + TableHtml.html(bitTable(p), 200)
        + TableHtml.html(uniformTable(p))
        + img(traceChart(p.traces()));
    return MimeBundle.html(p.toString(), html);
  }

  /** Perturbation (and accuracy) against the swept budget, uniform policies marked. */
  public static List<XYChart> paretoCharts(ParetoResult r) {
    List<XYChart> charts = new ArrayList<>();
    charts.add(paretoChart(r, false));
    if (r.hasAccuracy()) charts.add(paretoChart(r, true));
    return charts;
  }

  private static XYChart paretoChart(ParetoResult r, boolean accuracy) {
    Budget b = r.swept();
    double scale = scale(b);
    XYChart chart = new XYChartBuilder()
        .width(WIDTH)
        .height(HEIGHT)
        .title((accuracy ? "PTQ top-1 validation error" : "Perturbation") + " of optimal plans vs "
            + b.name())
        .xAxisTitle(b.name() + " (" + unit(b) + ")")
        .yAxisTitle(accuracy ? "top-1 error % (100 - accuracy), log scale" : "sum of Omega")
        .build();
    chart.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
    chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE);
    chart.getStyler().setYAxisLogarithmic(true); // error rates from 90% down to 1% stay readable
    List<Double> x = new ArrayList<>();
    List<Double> y = new ArrayList<>();
    for (ParetoResult.Point p : r.points()) {
      x.add(p.used() / scale);
      y.add(accuracy ? errorPercent(p.accuracy()) : Math.max(p.omega(), 1e-30));
    }
    XYSeries s = chart.addSeries("HAWQ-V3 optimum", x, y);
    s.setMarker(SeriesMarkers.CIRCLE);
    for (ParetoResult.Uniform u : r.uniform()) {
      double v = accuracy ? errorPercent(u.accuracy()) : Math.max(u.omega(), 1e-30);
      XYSeries us = chart.addSeries("uniform " + u.bits(), List.of(u.used() / scale), List.of(v));
      us.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
      us.setMarker(SeriesMarkers.DIAMOND);
    }
    return chart;
  }

  /** Top-1 error in percent, kept above zero for a log axis (a perfect score shows as 0.01%). */
  private static double errorPercent(double accuracy) {
    return Math.max(100 * (1 - accuracy), 0.01);
  }

  public static MimeBundle pareto(ParetoResult r) {
    StringColumn f = StringColumn.create("fraction");
    StringColumn used = StringColumn.create(r.swept().name());
    StringColumn omega = StringColumn.create("Omega");
    StringColumn acc = StringColumn.create("PTQ validation accuracy %");
    StringColumn pol = StringColumn.create("policy");
    StringColumn interval = StringColumn.create("95% interval");
    for (ParetoResult.Point p : r.points()) {
      f.append(String.format(Locale.ROOT, "%.2f", p.fraction()));
      used.append(amount(p.used(), r.swept()));
      omega.append(String.format(Locale.ROOT, "%.3e", p.omega()));
      acc.append(
          Double.isNaN(p.accuracy()) ? "" : String.format(Locale.ROOT, "%.2f", 100 * p.accuracy()));
      pol.append(p.plan().policy().summary());
      interval.append(
          Double.isNaN(p.accuracy())
              ? ""
              : bitlab.model.Evaluation.interval95Text(p.accuracy(), r.images()));
    }
    for (ParetoResult.Uniform u : r.uniform()) {
      f.append("uniform");
      used.append(amount(u.used(), r.swept()));
      omega.append(String.format(Locale.ROOT, "%.3e", u.omega()));
      acc.append(
          Double.isNaN(u.accuracy()) ? "" : String.format(Locale.ROOT, "%.2f", 100 * u.accuracy()));
      pol.append(u.bits().toString());
      interval.append(
          Double.isNaN(u.accuracy())
              ? ""
              : bitlab.model.Evaluation.interval95Text(u.accuracy(), r.images()));
    }
    Table t = Table.create("Pareto sweep", f, used, omega, acc, pol);
    if (r.hasAccuracy()) t.addColumns(interval);
    StringBuilder html = new StringBuilder(TableHtml.html(t, 200));
    for (XYChart c : paretoCharts(r)) html.append(img(c));
    return MimeBundle.html(r.toString(), html.toString());
  }

  /** An amount in the budget's natural unit: KB/MB, ms, mJ, GBOPs. */
  public static String amount(double v, Budget b) {
    return String.format(Locale.ROOT, "%.4g %s", v / scale(b), unit(b));
  }

  private static double scale(Budget b) {
    if (b == null) return 1;
    switch (b.metric()) {
      case SIZE:
        return 1e3;
      case BOPS:
        return 1e9;
      case LATENCY:
        return 1e-3;
      case ENERGY:
        return 1e-3;
      default:
        return 1;
    }
  }

  private static String unit(Budget b) {
    if (b == null) return "";
    switch (b.metric()) {
      case SIZE:
        return "KB";
      case BOPS:
        return "GBOPs";
      case LATENCY:
        return "ms";
      case ENERGY:
        return "mJ";
      default:
        return "";
    }
  }

  private static Budget budget(Plan p, String name) {
    for (Budget b : p.budgets()) if (b.name().equals(name)) return b;
    return null;
  }

  private static String img(org.knowm.xchart.internal.chartpart.Chart<?, ?> chart) {
    return "<img src=\"data:image/png;base64," + ChartImages.pngBase64(chart) + "\"/>";
  }
}
