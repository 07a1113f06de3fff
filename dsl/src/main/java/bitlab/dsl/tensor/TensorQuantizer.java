package bitlab.dsl.tensor;

import bitlab.dsl.display.MimeBundle;
import bitlab.dsl.display.Renderable;
import bitlab.dsl.display.TableHtml;
import bitlab.quant.Granularity;
import bitlab.quant.QuantException;
import bitlab.quant.QuantParams;
import bitlab.quant.QuantSpec;
import bitlab.quant.Rounding;
import java.awt.BasicStroke;
import java.awt.Color;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.Table;

/**
 * One per-tensor quantizer, the engine's arithmetic laid out: {@code code = clamp(round(x / scale) + z, qmin, qmax)}
 * and back {@code x̂ = (code − z) · scale}, rounding half to even in float32 as {@link QuantParams} does.
 * {@link #asymmetric} spreads {@code 2^bits} unsigned codes over {@code [lo, hi]} (stretched to include 0) with a
 * zero point; {@link #symmetric} uses the signed codes {@code ±(2^(bits−1) − 1)} and zero point 0.
 */
public final class TensorQuantizer implements Renderable {
  private final QuantParams params;

  private TensorQuantizer(QuantParams params) {
    this.params = params;
  }

  /** Unsigned codes {@code 0 .. 2^bits − 1} over {@code [lo, hi]} with a zero point (the range is stretched to include 0). */
  public static TensorQuantizer asymmetric(int bits, double lo, double hi) {
    checkRange(lo, hi);
    QuantSpec spec = new QuantSpec(bits, false, false, Granularity.PER_TENSOR, Rounding.HALF_EVEN);
    return new TensorQuantizer(QuantParams.fromRange(spec, lo, hi));
  }

  /** Signed codes {@code −(2^(bits−1) − 1) .. 2^(bits−1) − 1} over {@code [−maxAbs, maxAbs]}, zero point 0 (bits 2..16). */
  public static TensorQuantizer symmetric(int bits, double maxAbs) {
    if (bits == 1) {
      throw new QuantException(
          "A 1-bit signed quantizer is binary (±scale), not a range; use tensor.binarized() instead.");
    }
    if (!(maxAbs > 0) || !Double.isFinite(maxAbs)) {
      throw new QuantException(
          "A symmetric quantizer needs a positive finite clipping value, got " + maxAbs + ".");
    }
    QuantSpec spec = new QuantSpec(bits, true, true, Granularity.PER_TENSOR, Rounding.HALF_EVEN);
    return new TensorQuantizer(QuantParams.fromRange(spec, -maxAbs, maxAbs));
  }

  private static void checkRange(double lo, double hi) {
    if (!Double.isFinite(lo) || !Double.isFinite(hi) || !(lo < hi)) {
      throw new QuantException("A quantizer range needs finite lo < hi, got [" + lo + ", " + hi
          + "]; e.g. quantizer(4, -1.0, 2.0).");
    }
  }

  /** The engine's parameters (spec, scale, zero point). */
  public QuantParams params() {
    return params;
  }

  public int bits() {
    return params.spec().bits();
  }

  public boolean isSymmetric() {
    return params.spec().symmetric();
  }

  public double scale() {
    return params.scale(0);
  }

  public int zeroPoint() {
    return params.zeroPoint(0);
  }

  public int qmin() {
    return params.spec().qmin();
  }

  public int qmax() {
    return params.spec().qmax();
  }

  /** Number of codes. */
  public int levels() {
    return params.spec().levels();
  }

  /** The smallest value the codes represent: {@code (qmin − z) · scale}. */
  public double lo() {
    return params.range(0)[0];
  }

  /** The largest value the codes represent: {@code (qmax − z) · scale}. */
  public double hi() {
    return params.range(0)[1];
  }

  /** The integer code of {@code x}. */
  public int code(double x) {
    return params.quantize((float) x, 0);
  }

  /** The real value of a code. */
  public double value(int code) {
    if (code < qmin() || code > qmax()) {
      throw new QuantException(
          "Code " + code + " is outside this quantizer's codes " + qmin() + ".." + qmax() + ".");
    }
    return params.dequantize(code, 0);
  }

  /** Quantize, then dequantize: the value the network computes with instead of {@code x}. */
  public double roundTrip(double x) {
    return params.fakeQuantize((float) x, 0);
  }

  /** The tensor with every value replaced by its round trip. */
  public Tensor apply(Tensor t) {
    return t.quantized(this);
  }

  /** Each value through each step: divide by the scale, round, add the zero point, clamp, and back. */
  public Table steps(double... xs) {
    DoubleColumn x = DoubleColumn.create("x");
    DoubleColumn div = DoubleColumn.create("x / scale");
    DoubleColumn rounded = DoubleColumn.create("rounded");
    DoubleColumn shifted = DoubleColumn.create("+ zero point");
    IntColumn code = IntColumn.create("code (clamped)");
    DoubleColumn back = DoubleColumn.create("x̂ = (code − z)·scale");
    DoubleColumn err = DoubleColumn.create("error x̂ − x");
    Rounding r = params.spec().rounding();
    for (double v : xs) {
      float f = (float) v;
      float d = f / params.scale(0);
      double rd = r.round(d);
      int c = code(v);
      x.append(v);
      div.append(sig(d));
      rounded.append(rd);
      shifted.append(rd + zeroPoint());
      code.append(c);
      back.append(sig(value(c)));
      err.append(sig(value(c) - f));
    }
    return Table.create(describe(), x, div, rounded, shifted, code, back, err);
  }

  /**
   * The quantizer as a function over {@code [from, to]}: the staircase {@code x̂(x)} the forward pass computes,
   * and {@code clamp(x, lo, hi)}, the function the straight-through estimator differentiates instead (slope 1
   * inside the range, 0 outside).
   */
  public XYChart chart(double from, double to) {
    if (!(from < to))
      throw new QuantException("chart(from, to) needs from < to, got " + from + " and " + to + ".");
    int n = 1601;
    double[] x = new double[n];
    double[] q = new double[n];
    double[] c = new double[n];
    for (int i = 0; i < n; i++) {
      x[i] = from + (to - from) * i / (n - 1);
      q[i] = roundTrip(x[i]);
      c[i] = Math.max(lo(), Math.min(hi(), x[i]));
    }
    XYChart chart = new XYChartBuilder()
        .width(720)
        .height(360)
        .title(describe())
        .xAxisTitle("x")
        .yAxisTitle("x̂")
        .build();
    chart.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.InsideNW);
    XYSeries ident =
        chart.addSeries("x (no quantization)", new double[] {from, to}, new double[] {from, to});
    ident.setLineColor(Color.LIGHT_GRAY);
    ident.setMarker(SeriesMarkers.NONE);
    XYSeries stair = chart.addSeries("x̂ = quantize(x): the forward pass", x, q);
    stair.setLineColor(new Color(31, 119, 180));
    stair.setMarker(SeriesMarkers.NONE);
    XYSeries ste = chart.addSeries("clamp(x, lo, hi): what the STE differentiates", x, c);
    ste.setLineColor(new Color(214, 39, 40));
    ste.setLineStyle(new BasicStroke(
        2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f));
    ste.setMarker(SeriesMarkers.NONE);
    return chart;
  }

  /**
   * The backward pass over {@code [from, to]}: the derivative of the staircase (0 on every step; at a jump it does
   * not exist, drawn as a spike) against the straight-through estimator's, 1 inside {@code [lo, hi]} and 0 outside.
   * Training with the true derivative would never move a weight; the STE passes the gradient through unchanged
   * where the value is not clipped.
   */
  public XYChart gradientChart(double from, double to) {
    if (!(from < to))
      throw new QuantException(
          "gradientChart(from, to) needs from < to, got " + from + " and " + to + ".");
    int n = 1601;
    double[] x = new double[n];
    double[] ste = new double[n];
    double[] stair = new double[n];
    for (int i = 0; i < n; i++) {
      x[i] = from + (to - from) * i / (n - 1);
      ste[i] = steGradient(x[i]);
      // a jump of the staircase between this sample and the next shows as a spike: the derivative
      // there is infinite
      stair[i] = i + 1 < n && roundTrip(x[i]) != roundTrip(from + (to - from) * (i + 1) / (n - 1))
          ? 1.6
          : 0;
    }
    XYChart chart = new XYChartBuilder()
        .width(720)
        .height(300)
        .title(describe() + ": gradients")
        .xAxisTitle("x")
        .yAxisTitle("d x̂ / d x")
        .build();
    chart.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.InsideNW);
    chart.getStyler().setYAxisMin(-0.1);
    chart.getStyler().setYAxisMax(1.8);
    XYSeries exact =
        chart.addSeries("the staircase's derivative: 0, spikes at the jumps", x, stair);
    exact.setLineColor(new Color(31, 119, 180));
    exact.setMarker(SeriesMarkers.NONE);
    XYSeries s = chart.addSeries("the STE's: 1 inside [lo, hi], 0 outside", x, ste);
    s.setLineColor(new Color(214, 39, 40));
    s.setLineStyle(new BasicStroke(2.5f));
    s.setMarker(SeriesMarkers.NONE);
    return chart;
  }

  /**
   * The affine map as a picture: the real line with a tick at every value a code represents, the codes under it,
   * the clipping range shaded, and an arrow from each of {@code xs} to the code it rounds to.
   */
  public bitlab.dsl.display.Diagram grid(double... xs) {
    return QuantizerGrid.draw(this, xs);
  }

  /** The straight-through estimator's derivative of the round trip at {@code x}: 1 inside {@code [lo, hi]}, 0 outside. */
  public double steGradient(double x) {
    return x >= lo() && x <= hi() ? 1 : 0;
  }

  /** E.g. {@code uint4 asymmetric, scale 0.2, zero point 5}. */
  public String describe() {
    return (params.spec().signed() ? "int" : "uint")
        + bits()
        + (isSymmetric() ? " symmetric" : " asymmetric")
        + String.format(", scale %.6g, zero point %d", scale(), zeroPoint());
  }

  @Override
  public String toString() {
    return describe()
        + String.format(
            ": codes %d..%d (%d levels) represent %.6g .. %.6g in steps of %.6g",
            qmin(), qmax(), levels(), lo(), hi(), scale());
  }

  @Override
  public MimeBundle render() {
    return MimeBundle.html(toString(), "<p>" + TableHtml.escape(toString()) + "</p>");
  }

  /** {@code v} to 5 significant digits (tables stay readable at any scale). */
  static double sig(double v) {
    if (v == 0 || !Double.isFinite(v)) return v;
    return new java.math.BigDecimal(v).round(new java.math.MathContext(5)).doubleValue();
  }
}
