package bitlab.dsl.hawq;

import bitlab.data.Samples;
import bitlab.dsl.display.ChartImages;
import bitlab.dsl.display.MimeBundle;
import bitlab.dsl.display.Renderable;
import bitlab.dsl.display.TableHtml;
import bitlab.model.Model;
import bitlab.search.hawq.LossChange;
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
 * Does Omega predict the damage? For each layer and weight width, HAWQ-V3's prediction of the loss
 * increase, {@code Omega / 2}, beside the increase measured by rounding only that layer's weights (all
 * else in float) on the images the traces were taken on, and the two terms of the second-order Taylor
 * expansion along the actual rounding that explain the difference: the gradient term {@code g^T dW}
 * (which HAWQ-V3 drops) and the exact quadratic term {@code 1/2 dW^T H dW} (which it approximates by
 * the average trace).
 */
public final class OmegaCheck implements Renderable {
  /** One layer at one width: HAWQ-V3's prediction and the measured change with its Taylor terms. */
  public record Point(
      String layer,
      int bits,
      double predicted,
      double measured,
      double gradient,
      double quadratic) {
    /** {@code g^T dW + 1/2 dW^T H dW}. */
    public double taylor() {
      return gradient + quadratic;
    }
  }

  private final String model;
  private final int images;
  private final double baseLoss;
  private final List<Point> points;

  OmegaCheck(Model net, Samples samples, Perturbations omegas) {
    this.model = net.name();
    this.images = samples.size();
    LossChange change = LossChange.on(net, samples);
    this.baseLoss = change.baseLoss();
    List<Point> p = new ArrayList<>();
    int done = 0;
    int total = omegas.layers().size() * omegas.widths().length;
    for (String layer : omegas.layers()) {
      for (int b : omegas.widths()) {
        LossChange.Terms t = change.at(layer, b);
        p.add(new Point(
            layer, b, omegas.omega(layer, b) / 2, t.measured(), t.gradient(), t.quadratic()));
        bitlab.task.Work.progress(String.format(
            Locale.ROOT, "measuring loss changes of %s: %d of %d", model, ++done, total));
      }
    }
    this.points = List.copyOf(p);
  }

  public List<Point> points() {
    return points;
  }

  /** The unquantized model's mean loss on the images. */
  public double baseLoss() {
    return baseLoss;
  }

  /** Spearman's rank correlation between Omega/2 and the measured change over all points (1: the same order). */
  public double rankCorrelation() {
    return spearman(
        points.stream().mapToDouble(Point::predicted).toArray(),
        points.stream().mapToDouble(Point::measured).toArray());
  }

  /** Spearman's rank correlation between the full second-order Taylor prediction and the measured change. */
  public double taylorRankCorrelation() {
    return spearman(
        points.stream().mapToDouble(Point::taylor).toArray(),
        points.stream().mapToDouble(Point::measured).toArray());
  }

  public Table table() {
    StringColumn layer = StringColumn.create("layer");
    StringColumn bits = StringColumn.create("weight bits");
    StringColumn pred = StringColumn.create("Omega/2 (HAWQ-V3)");
    StringColumn quad = StringColumn.create("1/2 dW'H dW");
    StringColumn grad = StringColumn.create("g'dW");
    StringColumn tay = StringColumn.create("Taylor: g'dW + 1/2 dW'H dW");
    StringColumn meas = StringColumn.create("measured change");
    for (Point p : points) {
      layer.append(p.layer());
      bits.append(Integer.toString(p.bits()));
      pred.append(String.format(Locale.ROOT, "%.3e", p.predicted()));
      quad.append(String.format(Locale.ROOT, "%.3e", p.quadratic()));
      grad.append(String.format(Locale.ROOT, "%.3e", p.gradient()));
      tay.append(String.format(Locale.ROOT, "%.3e", p.taylor()));
      meas.append(String.format(Locale.ROOT, "%.3e", p.measured()));
    }
    return Table.create(
        "loss change of rounding one layer: predicted and measured",
        layer,
        bits,
        pred,
        quad,
        grad,
        tay,
        meas);
  }

  /**
   * Measured change against each prediction on log-log axes, with the diagonal; points where a value
   * is zero or negative cannot be drawn on log axes and are left out.
   */
  public XYChart chart() {
    XYChart chart = new XYChartBuilder()
        .width(760)
        .height(480)
        .title(model + ": loss change, measured vs predicted")
        .xAxisTitle("predicted")
        .yAxisTitle("measured")
        .build();
    chart.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
    chart.getStyler().setXAxisLogarithmic(true);
    chart.getStyler().setYAxisLogarithmic(true);
    chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideSE);
    double[] range = {Double.POSITIVE_INFINITY, 0};
    scatter(chart, "Omega/2 (HAWQ-V3)", Point::predicted, SeriesMarkers.CIRCLE, range);
    scatter(chart, "Taylor along the rounding", Point::taylor, SeriesMarkers.CROSS, range);
    if (range[1] > 0) {
      XYSeries d = chart.addSeries(
          "measured = predicted", List.of(range[0], range[1]), List.of(range[0], range[1]));
      d.setMarker(SeriesMarkers.NONE);
      d.setLineColor(java.awt.Color.GRAY);
    }
    return chart;
  }

  private void scatter(
      XYChart chart,
      String name,
      java.util.function.ToDoubleFunction<Point> predicted,
      org.knowm.xchart.style.markers.Marker marker,
      double[] range) {
    List<Double> x = new ArrayList<>();
    List<Double> y = new ArrayList<>();
    for (Point p : points) {
      double v = predicted.applyAsDouble(p);
      if (!(v > 0) || !(p.measured() > 0)) continue;
      x.add(v);
      y.add(p.measured());
      range[0] = Math.min(range[0], Math.min(v, p.measured()));
      range[1] = Math.max(range[1], Math.max(v, p.measured()));
    }
    if (x.isEmpty()) return;
    XYSeries s = chart.addSeries(name, x, y);
    s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
    s.setMarker(marker);
  }

  @Override
  public MimeBundle render() {
    long hidden = points.stream().filter(p -> !(p.measured() > 0)).count();
    String head = String.format(
        Locale.ROOT,
        "<p><b>%s</b> on %d images (loss %.5f): rank correlation with the measured change %.3f for Omega/2, "
            + "%.3f for the Taylor expansion%s</p>",
        TableHtml.escape(model),
        images,
        baseLoss,
        rankCorrelation(),
        taylorRankCorrelation(),
        hidden == 0
            ? ""
            : String.format(
                Locale.ROOT,
                "; %d point%s where the loss did not rise are not drawn",
                hidden,
                hidden == 1 ? "" : "s"));
    return MimeBundle.html(
        toString(),
        head + TableHtml.html(table(), 200) + "<img src=\"data:image/png;base64,"
            + ChartImages.pngBase64(chart()) + "\"/>");
  }

  @Override
  public String toString() {
    StringBuilder b = new StringBuilder(String.format(
        Locale.ROOT,
        "Loss change of rounding one layer, %s on %d images (loss %.5f); rank correlation with the measured change: Omega/2 %.3f, Taylor %.3f%n",
        model,
        images,
        baseLoss,
        rankCorrelation(),
        taylorRankCorrelation()));
    for (Point p : points) {
      b.append(String.format(
          Locale.ROOT,
          "  %-10s %d bits  Omega/2 %.3e  1/2 dW'HdW %.3e  g'dW %+.3e  measured %+.3e%n",
          p.layer(),
          p.bits(),
          p.predicted(),
          p.quadratic(),
          p.gradient(),
          p.measured()));
    }
    return b.toString();
  }

  private static double spearman(double[] a, double[] b) {
    return pearson(ranks(a), ranks(b));
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
