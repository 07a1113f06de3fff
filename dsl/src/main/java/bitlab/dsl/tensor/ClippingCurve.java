package bitlab.dsl.tensor;

import bitlab.dsl.display.ChartImages;
import bitlab.dsl.display.MimeBundle;
import bitlab.dsl.display.Renderable;
import bitlab.dsl.display.TableHtml;
import bitlab.quant.AciqClipping;
import bitlab.quant.Calibration;
import bitlab.quant.Calibration.Aciq.Prior;
import bitlab.quant.Granularity;
import bitlab.quant.Histogram;
import bitlab.quant.Observer;
import bitlab.quant.QuantException;
import bitlab.quant.QuantSpec;
import bitlab.quant.Rounding;
import java.awt.BasicStroke;
import java.awt.Color;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * The mean squared error of quantizing one tensor (signed symmetric, one scale) when it is clipped at
 * {@code ±α}, for {@code α} from near 0 to the largest magnitude: measured on the tensor itself, and as ACIQ
 * predicts it from a Laplace fit (scale {@code b = E|x − mean|}) and a Gaussian fit ({@code σ}), assuming
 * the values are centred at zero: clipping noise {@code 2·tail(α)} plus rounding noise {@code Δ²/12},
 * {@code Δ = 2α / (2^bits − 2)}. Small {@code α}: fine steps, many values clipped; large {@code α}: nothing
 * clipped, coarse steps. Each calibration method's choice for this tensor (the engine's own
 * {@link Calibration}, on a 2,048-bin histogram) is marked on the measured curve.
 */
public final class ClippingCurve implements Renderable {
  /** The methods whose clipping value is marked, by the names {@code calibrate(data, METHOD)} accepts. */
  public static final List<String> METHODS =
      List.of("minmax", "percentile", "mse", "kl", "aciq-laplace", "aciq-gauss");

  private static final int POINTS = 240;

  private final Tensor tensor;
  private final int bits;
  private final QuantSpec spec;
  private final double[] alpha = new double[POINTS];
  private final double[] measured = new double[POINTS];
  private final double[] laplace = new double[POINTS];
  private final double[] gauss = new double[POINTS];
  private final Map<String, Double> clips = new LinkedHashMap<>();

  private ClippingCurve(Tensor tensor, int bits) {
    if (bits < 2 || bits > 16)
      throw new QuantException("clipping(bits) needs 2..16 bits, got " + bits + ".");
    this.tensor = tensor;
    this.bits = bits;
    this.spec = new QuantSpec(bits, true, true, Granularity.PER_TENSOR, Rounding.HALF_EVEN);
    double top = tensor.absMax();
    if (!(top > 0))
      throw new QuantException(
          "Tensor '" + tensor.name() + "' is all zeros: there is nothing to clip.");
    int steps = spec.qmax() - spec.qmin();
    double b = tensor.meanAbsDev();
    double sigma = tensor.std();
    for (int i = 0; i < POINTS; i++) {
      alpha[i] = top * (i + 1) / POINTS;
      measured[i] = measure(alpha[i]);
      laplace[i] = AciqClipping.expectedMse(Prior.LAPLACE, b, alpha[i], steps, true);
      gauss[i] = AciqClipping.expectedMse(Prior.GAUSSIAN, sigma, alpha[i], steps, true);
    }
    Histogram h = Histogram.of(tensor.name(), tensor.raw(), Observer.DEFAULT_BINS);
    for (String m : METHODS)
      clips.put(Calibration.parse(m).name(), Calibration.parse(m).range(h, spec).hi());
  }

  static ClippingCurve of(Tensor t, int bits) {
    return new ClippingCurve(t, bits);
  }

  /** Measured mean squared error when clipping at {@code ±a}. */
  public double measure(double a) {
    return tensor.mse(tensor.quantized(TensorQuantizer.symmetric(bits, a)));
  }

  /** Analytic expected MSE at {@code ±a} for the Laplace fit. */
  public double laplace(double a) {
    return AciqClipping.expectedMse(
        Prior.LAPLACE, tensor.meanAbsDev(), a, spec.qmax() - spec.qmin(), true);
  }

  /** Analytic expected MSE at {@code ±a} for the Gaussian fit. */
  public double gauss(double a) {
    return AciqClipping.expectedMse(
        Prior.GAUSSIAN, tensor.std(), a, spec.qmax() - spec.qmin(), true);
  }

  /**
   * The measured error at {@code ±a} split in two, which add up to {@link #measure}: {@code [0]} clipping noise, from the
   * values beyond {@code ±a}, and {@code [1]} rounding noise, from the values within; both as means over all values.
   */
  public double[] noise(double a) {
    double[] x = tensor.values();
    double[] q = tensor.quantized(TensorQuantizer.symmetric(bits, a)).values();
    double clipped = 0, rounded = 0;
    for (int i = 0; i < x.length; i++) {
      double e = (x[i] - q[i]) * (x[i] - q[i]);
      if (Math.abs(x[i]) > a) clipped += e;
      else rounded += e;
    }
    return new double[] {clipped / x.length, rounded / x.length};
  }

  /**
   * The trade-off as a picture: clipping noise falls and rounding noise rises as {@code α} grows, and the measured
   * error is their sum, lowest where the two balance. Log scale; the lowest measured point is marked.
   */
  public XYChart tradeoff() {
    double[] clipNoise = new double[POINTS];
    double[] roundNoise = new double[POINTS];
    for (int i = 0; i < POINTS; i++) {
      double[] n = noise(alpha[i]);
      clipNoise[i] = Math.max(
          n[0], Double.MIN_NORMAL); // a log axis cannot show 0: nothing clipped at the largest α
      roundNoise[i] = n[1];
    }
    XYChart c = new XYChartBuilder()
        .width(760)
        .height(380)
        .title(tensor.name() + ", " + bits + " bits: clipping noise against rounding noise")
        .xAxisTitle("clipping value α (values beyond ±α are clipped)")
        .yAxisTitle("mean squared error (log)")
        .build();
    c.getStyler().setYAxisLogarithmic(true);
    c.getStyler().setYAxisMin(Math.max(1e-3 * min(measured), Double.MIN_NORMAL));
    c.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
    c.getStyler().setXAxisDecimalPattern(Charts.pattern(tensor.absMax()));
    line(c, "clipping noise (|x| > α)", clipNoise, new Color(214, 39, 40), new float[] {6f, 4f});
    line(c, "rounding noise (|x| ≤ α)", roundNoise, new Color(44, 160, 44), new float[] {2f, 3f});
    line(c, "measured = their sum", measured, new Color(31, 119, 180), null);
    XYSeries low =
        c.addSeries("lowest error", new double[] {best()}, new double[] {measure(best())});
    low.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
    low.setMarker(SeriesMarkers.DIAMOND);
    low.setMarkerColor(Color.BLACK);
    return c;
  }

  private static double min(double[] v) {
    double m = Double.POSITIVE_INFINITY;
    for (double x : v) m = Math.min(m, x);
    return m;
  }

  /** The clipping value of the measured curve's lowest point (on its 240-point grid). */
  public double best() {
    int k = 0;
    for (int i = 1; i < POINTS; i++) if (measured[i] < measured[k]) k = i;
    return alpha[k];
  }

  /** The clipping value a calibration method chooses for this tensor ({@code minmax}, {@code mse}, {@code aciq-laplace}, ...). */
  public double clip(String method) {
    return clips.get(Calibration.parse(method).name());
  }

  /** One row per method: its clipping value, as a fraction of the largest magnitude, and the measured error there. */
  public Table table() {
    StringColumn m = StringColumn.create("method");
    DoubleColumn a = DoubleColumn.create("clip α");
    DoubleColumn f = DoubleColumn.create("α / max|x|");
    DoubleColumn e = DoubleColumn.create("measured MSE");
    DoubleColumn r = DoubleColumn.create("MSE / min-max MSE");
    double base = measure(tensor.absMax());
    for (Map.Entry<String, Double> c : clips.entrySet())
      add(m, a, f, e, r, c.getKey(), c.getValue(), base);
    add(m, a, f, e, r, "lowest measured point", best(), base);
    return Table.create(tensor.name() + " at " + bits + " bits: clipping values", m, a, f, e, r);
  }

  private void add(
      StringColumn m,
      DoubleColumn a,
      DoubleColumn f,
      DoubleColumn e,
      DoubleColumn r,
      String name,
      double at,
      double base) {
    double err = measure(at);
    m.append(name);
    a.append(TensorQuantizer.sig(at));
    f.append(Math.round(at / tensor.absMax() * 1000) / 1000.0);
    e.append(TensorQuantizer.sig(err));
    r.append(Math.round(err / base * 1000) / 1000.0);
  }

  /** The three curves on a log scale with each method's clipping value as a marker on the measured curve. */
  public XYChart chart() {
    XYChart c = new XYChartBuilder()
        .width(760)
        .height(380)
        .title(tensor.name() + ", " + bits + " bits: error against the clipping value")
        .xAxisTitle("clipping value α (values beyond ±α are clipped)")
        .yAxisTitle("mean squared error (log)")
        .build();
    c.getStyler().setYAxisLogarithmic(true);
    c.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
    c.getStyler().setMarkerSize(9);
    c.getStyler().setXAxisDecimalPattern(Charts.pattern(tensor.absMax()));
    line(c, "measured", measured, new Color(31, 119, 180), null);
    line(c, "ACIQ expected, Laplace fit", laplace, new Color(44, 160, 44), new float[] {6f, 4f});
    line(c, "ACIQ expected, Gaussian fit", gauss, new Color(148, 103, 189), new float[] {2f, 3f});
    Color[] colors = {
      Color.RED,
      new Color(255, 127, 14),
      Color.BLACK,
      new Color(140, 86, 75),
      new Color(44, 160, 44),
      new Color(148, 103, 189)
    };
    int k = 0;
    for (Map.Entry<String, Double> e : clips.entrySet()) {
      XYSeries s = c.addSeries(
          e.getKey(), new double[] {e.getValue()}, new double[] {measure(e.getValue())});
      s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
      s.setMarkerColor(colors[k++ % colors.length]);
      s.setMarker(SeriesMarkers.DIAMOND);
    }
    return c;
  }

  private void line(XYChart c, String name, double[] y, Color color, float[] dash) {
    XYSeries s = c.addSeries(name, alpha, y);
    s.setMarker(SeriesMarkers.NONE);
    s.setLineColor(color);
    if (dash != null)
      s.setLineStyle(
          new BasicStroke(1.6f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, dash, 0f));
  }

  @Override
  public String toString() {
    return table().print();
  }

  @Override
  public MimeBundle render() {
    return MimeBundle.html(
        toString(),
        TableHtml.html(table()) + "<img src=\"data:image/png;base64,"
            + ChartImages.pngBase64(chart()) + "\"/>");
  }
}
