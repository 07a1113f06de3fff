package bitlab.dsl.hawq;

import bitlab.data.Samples;
import bitlab.dsl.display.ChartImages;
import bitlab.dsl.display.MimeBundle;
import bitlab.dsl.display.Renderable;
import bitlab.dsl.display.TableHtml;
import bitlab.model.Inference;
import bitlab.model.Model;
import bitlab.search.hawq.Perturbation;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * Does Omega predict the damage? For each layer and weight width: HAWQ-V3's second-order prediction
 * of the loss increase, {@code Omega / 2}, against the increase measured by quantizing only that
 * layer's weights (all else in float) on the images the traces were taken on.
 */
public final class OmegaCheck implements Renderable {
  /** One layer at one width: predicted and measured loss increase. */
  public record Point(String layer, int bits, double predicted, double measured) {}

  private final String model;
  private final int images;
  private final double baseLoss;
  private final List<Point> points;

  OmegaCheck(Model net, Samples samples, Perturbations omegas) {
    this.model = net.name();
    this.images = samples.size();
    this.baseLoss = Inference.evaluate(net, samples).loss();
    List<Point> p = new ArrayList<>();
    int done = 0;
    int total = omegas.layers().size() * omegas.widths().length;
    for (String layer : omegas.layers()) {
      for (int b : omegas.widths()) {
        p.add(new Point(layer, b, omegas.omega(layer, b) / 2, Perturbation.lossIncrease(net, samples, layer, b, baseLoss)));
        bitlab.task.Work.progress(String.format(Locale.ROOT, "measuring loss increases of %s: %d of %d", model, ++done, total));
      }
    }
    this.points = List.copyOf(p);
  }

  public List<Point> points() { return points; }

  /** The float model's mean loss on the images. */
  public double baseLoss() { return baseLoss; }

  /** Spearman's rank correlation between predicted and measured increases over all points (1: same order). */
  public double rankCorrelation() {
    double[] a = ranks(points.stream().mapToDouble(Point::predicted).toArray());
    double[] b = ranks(points.stream().mapToDouble(Point::measured).toArray());
    return pearson(a, b);
  }

  public Table table() {
    StringColumn layer = StringColumn.create("layer");
    StringColumn bits = StringColumn.create("weight bits");
    StringColumn pred = StringColumn.create("predicted Omega/2");
    StringColumn meas = StringColumn.create("measured loss increase");
    StringColumn ratio = StringColumn.create("measured / predicted");
    for (Point p : points) {
      layer.append(p.layer());
      bits.append(Integer.toString(p.bits()));
      pred.append(String.format(Locale.ROOT, "%.3e", p.predicted()));
      meas.append(String.format(Locale.ROOT, "%.3e", p.measured()));
      ratio.append(p.predicted() > 0 ? String.format(Locale.ROOT, "%.2f", p.measured() / p.predicted()) : "");
    }
    return Table.create("Omega/2 against the measured loss increase", layer, bits, pred, meas, ratio);
  }

  /** Measured against predicted on log-log axes, one series per layer, the diagonal drawn; increases <= 0 cannot be drawn. */
  public XYChart chart() {
    XYChart chart = new XYChartBuilder().width(760).height(480).title(model + ": loss increase, measured vs Omega/2")
        .xAxisTitle("predicted Omega/2").yAxisTitle("measured loss increase").build();
    chart.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
    chart.getStyler().setXAxisLogarithmic(true);
    chart.getStyler().setYAxisLogarithmic(true);
    chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideSE);
    double lo = Double.POSITIVE_INFINITY;
    double hi = 0;
    List<String> seen = new ArrayList<>();
    for (Point p : points) if (!seen.contains(p.layer())) seen.add(p.layer());
    for (String layer : seen) {
      List<Double> x = new ArrayList<>();
      List<Double> y = new ArrayList<>();
      for (Point p : points) {
        if (!p.layer().equals(layer) || !(p.predicted() > 0) || !(p.measured() > 0)) continue;
        x.add(p.predicted());
        y.add(p.measured());
        lo = Math.min(lo, Math.min(p.predicted(), p.measured()));
        hi = Math.max(hi, Math.max(p.predicted(), p.measured()));
      }
      if (x.isEmpty()) continue;
      XYSeries s = chart.addSeries(layer, x, y);
      s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
      s.setMarker(SeriesMarkers.CIRCLE);
    }
    if (hi > 0) {
      XYSeries d = chart.addSeries("measured = predicted", List.of(lo, hi), List.of(lo, hi));
      d.setMarker(SeriesMarkers.NONE);
      d.setLineColor(java.awt.Color.GRAY);
    }
    return chart;
  }

  @Override public MimeBundle render() {
    long hidden = points.stream().filter(p -> !(p.measured() > 0) || !(p.predicted() > 0)).count();
    String head = String.format(Locale.ROOT, "<p><b>%s</b> on %d images (float loss %.4f): rank correlation of predicted and measured increases %.3f%s</p>",
        TableHtml.escape(model), images, baseLoss, rankCorrelation(),
        hidden == 0 ? "" : String.format(Locale.ROOT, "; %d point%s with an increase of zero or less are not drawn", hidden, hidden == 1 ? "" : "s"));
    return MimeBundle.html(toString(), head + "<div style=\"display:flex;gap:1em;align-items:flex-start\"><div>" + TableHtml.html(table(), 200)
        + "</div><div><img src=\"data:image/png;base64," + ChartImages.pngBase64(chart()) + "\"/></div></div>");
  }

  @Override public String toString() {
    StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "Omega/2 vs measured loss increase, %s on %d images (float loss %.5f), rank correlation %.3f%n",
        model, images, baseLoss, rankCorrelation()));
    for (Point p : points) {
      b.append(String.format(Locale.ROOT, "  %-10s %d bits  predicted %.3e  measured %.3e%n", p.layer(), p.bits(), p.predicted(), p.measured()));
    }
    return b.toString();
  }

  private static double[] ranks(double[] v) {
    Integer[] idx = new Integer[v.length];
    for (int i = 0; i < v.length; i++) idx[i] = i;
    Arrays.sort(idx, (i, j) -> Double.compare(v[i], v[j]));
    double[] r = new double[v.length];
    for (int i = 0; i < v.length; ) {
      int j = i;
      while (j + 1 < v.length && v[idx[j + 1]] == v[idx[i]]) j++;
      for (int k = i; k <= j; k++) r[idx[k]] = (i + j) / 2.0; // ties share their mean rank
      i = j + 1;
    }
    return r;
  }

  private static double pearson(double[] a, double[] b) {
    double ma = Arrays.stream(a).average().orElse(0);
    double mb = Arrays.stream(b).average().orElse(0);
    double sab = 0;
    double saa = 0;
    double sbb = 0;
    for (int i = 0; i < a.length; i++) {
      sab += (a[i] - ma) * (b[i] - mb);
      saa += (a[i] - ma) * (a[i] - ma);
      sbb += (b[i] - mb) * (b[i] - mb);
    }
    return sab / Math.sqrt(saa * sbb);
  }
}
