package bitlab.dsl.quant;

import bitlab.quant.ActivationQuant;
import bitlab.quant.Histogram;
import bitlab.quant.LayerBits;
import bitlab.quant.LayerQuant;
import bitlab.quant.Policy;
import bitlab.quant.QuantException;
import bitlab.quant.QuantizedModel;
import java.awt.Color;
import java.util.ArrayList;
import java.util.List;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;
import org.nd4j.linalg.api.buffer.DataType;

/** Charts of quantization: per-layer bits, and value histograms with the clipping range marked. */
public final class QuantCharts {
  private static final int PLOT_BINS = 128;

  private QuantCharts() {}

  /** Bars of weight and activation bits per layer. */
  /** The training loss of every QAT step (one batch each), in order. */
  public static XYChart stepLosses(bitlab.quant.QatResult r) {
    double[] loss = r.stepLosses();
    double[] step = new double[loss.length];
    for (int i = 0; i < loss.length; i++) step[i] = i + 1;
    XYChart c = new XYChartBuilder()
        .width(720)
        .height(300)
        .title("QAT of " + r.model().source().name() + " " + r.model().policy().summary()
            + ": training loss per step")
        .xAxisTitle("step (one batch)")
        .yAxisTitle("training loss")
        .build();
    c.getStyler().setLegendVisible(false);
    XYSeries s = c.addSeries("loss", step, loss);
    s.setMarker(SeriesMarkers.CIRCLE);
    s.setLineColor(new Color(31, 119, 180));
    s.setMarkerColor(new Color(31, 119, 180));
    return c;
  }

  public static CategoryChart policy(Policy p) {
    CategoryChart c = new CategoryChartBuilder()
        .width(720)
        .height(320)
        .title("bits per layer, " + p.summary())
        .xAxisTitle("layer")
        .yAxisTitle("bits")
        .build();
    List<String> names = new ArrayList<>();
    List<Integer> w = new ArrayList<>();
    List<Integer> a = new ArrayList<>();
    for (LayerBits l : p.layers()) {
      names.add(l.layer());
      w.add(l.weights());
      a.add(l.activations());
    }
    c.addSeries("weights", names, w);
    c.addSeries("activations", names, a);
    c.getStyler().setXAxisLabelRotation(45);
    c.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.InsideNE);
    return c;
  }

  /**
   * The histogram of an activation tensor (by node name) or of a layer's folded weights (by layer name),
   * log-scaled counts, with the clipping range as vertical lines (for per-channel weights: the narrowest
   * and the widest channel's range).
   */
  public static XYChart histogram(QuantizedModel q, String name) {
    ActivationQuant a = q.activations().get(name);
    if (a != null) {
      if (a.dynamic())
        throw new QuantException(
            "Tensor '" + name + "' is quantized dynamically: it has no calibrated histogram.");
      return chart(
          "activation " + name + " (" + a.spec() + ")",
          a.histogram(),
          new double[] {a.range().lo(), a.range().hi()},
          null);
    }
    LayerQuant l = q.layers().get(name);
    if (l == null) {
      throw new QuantException("'" + name + "' is neither a quantized activation ("
          + String.join(", ", q.activations().keySet()) + ") nor a layer ("
          + String.join(", ", q.layers().keySet()) + ") of " + q.source().name() + ".");
    }
    float[] w = l.folded().castTo(DataType.FLOAT).dup('c').data().asFloat();
    Histogram h = Histogram.of(name + ".weight", w, 1024);
    if (!l.quantized()) return chart("weights of " + name + " (float)", h, null, null);
    int channels = l.weights().channels();
    double narrow = Double.POSITIVE_INFINITY;
    double wide = 0;
    for (int c = 0; c < channels; c++) {
      double t = l.weights().range(c)[1];
      narrow = Math.min(narrow, t);
      wide = Math.max(wide, t);
    }
    String title = "weights of " + name + " (" + l.weights().spec() + ")";
    return channels == 1
        ? chart(title, h, new double[] {-wide, wide}, null)
        : chart(title, h, new double[] {-wide, wide}, new double[] {-narrow, narrow});
  }

  private static XYChart chart(String title, Histogram h, double[] clip, double[] inner) {
    XYChart c = new XYChartBuilder()
        .width(720)
        .height(320)
        .title(title)
        .xAxisTitle("value")
        .yAxisTitle("count (log)")
        .build();
    double[] counts = h.values();
    int group = Math.max(1, counts.length / PLOT_BINS);
    int n = counts.length / group;
    double[] x = new double[n];
    double[] y = new double[n];
    double width = (h.max() - h.min()) / counts.length;
    double top = 1;
    for (int i = 0; i < n; i++) {
      double s = 0;
      for (int j = i * group; j < (i + 1) * group; j++) s += counts[j];
      x[i] = h.min() + (i + 0.5) * group * width;
      y[i] = s + 1;
      top = Math.max(top, y[i]);
    }
    c.getStyler().setYAxisLogarithmic(true);
    c.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.InsideNE);
    XYSeries s = c.addSeries("values", x, y);
    s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Area);
    s.setMarker(SeriesMarkers.NONE);
    if (clip != null)
      line(
          c,
          clip.length == 2 && inner != null ? "widest channel clip" : "clipping range",
          clip,
          top,
          Color.RED);
    if (inner != null) line(c, "narrowest channel clip", inner, top, new Color(230, 140, 0));
    return c;
  }

  private static void line(XYChart c, String name, double[] at, double top, Color color) {
    double[] x = {at[0], at[0], Double.NaN, at[1], at[1]};
    double[] y = {1, top, Double.NaN, 1, top};
    XYSeries s = c.addSeries(name, x, y);
    s.setLineColor(color);
    s.setMarker(SeriesMarkers.NONE);
  }
}
