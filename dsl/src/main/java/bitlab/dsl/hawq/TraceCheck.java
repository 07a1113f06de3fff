package bitlab.dsl.hawq;

import bitlab.dsl.display.ChartImages;
import bitlab.dsl.display.MimeBundle;
import bitlab.dsl.display.Renderable;
import bitlab.dsl.display.TableHtml;
import bitlab.search.hawq.ExactTraces;
import bitlab.search.hawq.LayerTrace;
import bitlab.search.hawq.Traces;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;
import tech.tablesaw.api.LongColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * Hutchinson's estimates beside the exact traces of the layers that have a closed form (the
 * classifier, and the Linear layer before it when a ReLU joins them), on the same images: how far
 * off the estimate is, in percent and in standard errors, and how its running mean settled.
 */
public final class TraceCheck implements Renderable {
  /** One layer: exact trace, Hutchinson's estimate with its standard error and running mean. */
  public record Row(
      String layer,
      long weights,
      double exact,
      double estimate,
      double standardError,
      int probes,
      double[] runningMean) {
    /** |estimate - exact| / exact. */
    public double relativeError() {
      return Math.abs(estimate - exact) / Math.abs(exact);
    }

    /** |estimate - exact| in standard errors. */
    public double standardErrors() {
      return Math.abs(estimate - exact) / standardError;
    }
  }

  private final String model;
  private final int images;
  private final List<Row> rows;

  TraceCheck(Traces traces, List<ExactTraces.Exact> exact) {
    this.model = traces.model();
    this.images = traces.images();
    List<Row> r = new ArrayList<>();
    for (ExactTraces.Exact e : exact) {
      LayerTrace t = traces.layer(e.layer());
      r.add(new Row(
          e.layer(),
          e.parameters(),
          e.trace(),
          t.trace(),
          t.standardError(),
          t.probes(),
          t.runningMean()));
    }
    this.rows = List.copyOf(r);
  }

  public List<Row> rows() {
    return rows;
  }

  public Row row(String layer) {
    for (Row r : rows) if (r.layer().equals(layer)) return r;
    throw new bitlab.search.hawq.HawqException(
        "Layer '" + layer + "' has no exact trace here; checked layers are "
            + String.join(", ", rows.stream().map(Row::layer).toList()) + ".");
  }

  /** The largest relative error over the checked layers. */
  public double worstRelativeError() {
    return rows.stream().mapToDouble(Row::relativeError).max().orElse(Double.NaN);
  }

  public Table table() {
    StringColumn layer = StringColumn.create("layer");
    LongColumn weights = LongColumn.create("weights");
    StringColumn exact = StringColumn.create("exact Tr(H)");
    StringColumn est = StringColumn.create("Hutchinson Tr(H)");
    StringColumn se = StringColumn.create("± std. error");
    StringColumn probes = StringColumn.create("probes");
    StringColumn off = StringColumn.create("off by");
    StringColumn inSe = StringColumn.create("off by (std. errors)");
    for (Row r : rows) {
      layer.append(r.layer());
      weights.append(r.weights());
      exact.append(String.format(Locale.ROOT, "%.5e", r.exact()));
      est.append(String.format(Locale.ROOT, "%.5e", r.estimate()));
      se.append(String.format(Locale.ROOT, "%.1e", r.standardError()));
      probes.append(Integer.toString(r.probes()));
      off.append(String.format(Locale.ROOT, "%.2f%%", 100 * r.relativeError()));
      inSe.append(String.format(Locale.ROOT, "%.2f", r.standardErrors()));
    }
    return Table.create(
        "Hutchinson vs exact traces", layer, weights, exact, est, se, probes, off, inSe);
  }

  /** Running mean of the probes divided by the exact trace, per layer: the estimate settling towards 1. */
  public XYChart chart() {
    XYChart chart = new XYChartBuilder()
        .width(960)
        .height(380)
        .title(model + ": Hutchinson's running mean / exact trace (" + images + " images)")
        .xAxisTitle("probes")
        .yAxisTitle("running mean / exact")
        .build();
    chart.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
    chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE);
    int longest = 1;
    for (Row r : rows) {
      if (r.runningMean().length == 0) continue;
      List<Double> x = new ArrayList<>();
      List<Double> y = new ArrayList<>();
      for (int k = 0; k < r.runningMean().length; k++) {
        x.add((double) k + 1);
        y.add(r.runningMean()[k] / r.exact());
      }
      longest = Math.max(longest, x.size());
      XYSeries s = chart.addSeries(r.layer(), x, y);
      s.setMarker(SeriesMarkers.NONE);
    }
    XYSeries one = chart.addSeries("exact", List.of(1.0, (double) longest), List.of(1.0, 1.0));
    one.setMarker(SeriesMarkers.NONE);
    one.setLineColor(java.awt.Color.BLACK);
    return chart;
  }

  @Override
  public MimeBundle render() {
    String head = String.format(
        Locale.ROOT,
        "<p><b>%s</b>: Hutchinson against the closed-form trace on the same %d images; worst error %.2f%%</p>",
        TableHtml.escape(model),
        images,
        100 * worstRelativeError());
    return MimeBundle.html(
        toString(),
        head + TableHtml.html(table()) + "<img src=\"data:image/png;base64,"
            + ChartImages.pngBase64(chart()) + "\"/>");
  }

  @Override
  public String toString() {
    StringBuilder b = new StringBuilder(String.format(
        Locale.ROOT, "Hutchinson vs exact traces of %s on %d images%n", model, images));
    for (Row r : rows) {
      b.append(String.format(
          Locale.ROOT,
          "  %-10s exact %.5e  Hutchinson %.5e +- %.1e (%d probes)  off by %.2f%% (%.2f std. errors)%n",
          r.layer(),
          r.exact(),
          r.estimate(),
          r.standardError(),
          r.probes(),
          100 * r.relativeError(),
          r.standardErrors()));
    }
    return b.toString();
  }
}
