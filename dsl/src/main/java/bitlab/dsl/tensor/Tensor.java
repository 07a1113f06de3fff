package bitlab.dsl.tensor;

import bitlab.dsl.display.MimeBundle;
import bitlab.dsl.display.Renderable;
import bitlab.dsl.display.TableHtml;
import bitlab.model.Model;
import bitlab.model.Node;
import bitlab.quant.BatchNormFolding;
import bitlab.quant.QuantException;
import java.awt.Color;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A tensor's values (float32, as the network stores them) with a name and a shape: a layer's weights
 * ({@link #weights}), or any list of numbers ({@link #of}). Its methods quantize it by hand and measure what
 * that does: error, signal-to-noise ratio, histograms, error against bit width and against the clipping value.
 * Values are immutable: every operation returns a new tensor.
 */
public final class Tensor implements Renderable {
  private final String name;
  private final float[] values;
  private final int[] shape;

  Tensor(String name, float[] values, int[] shape) {
    if (values.length == 0)
      throw new QuantException("Tensor '" + name + "' needs at least one value.");
    for (int i = 0; i < values.length; i++) {
      if (!Float.isFinite(values[i])) {
        throw new QuantException("Tensor '" + name + "' has a NaN or infinite value at element " + i
            + "; quantization needs finite numbers.");
      }
    }
    this.name = name;
    this.values = values;
    this.shape = shape;
  }

  /** A one-dimensional tensor of these values. */
  public static Tensor of(String name, double... values) {
    float[] v = new float[values.length];
    for (int i = 0; i < v.length; i++) v[i] = (float) values[i];
    return new Tensor(name, v, new int[] {v.length});
  }

  /** The weights of a layer of {@code net}, BatchNorm folded first (the tensor quantization actually sees). */
  public static Tensor weights(Model net, String layer) {
    Model folded = BatchNormFolding.fold(net);
    if (!folded.has(layer) || !folded.node(layer).quantizable()) {
      throw new QuantException("Layer '" + layer + "' is not a layer with weights of model '"
          + net.name() + "'; its layers are " + String.join(", ", folded.layerNames()) + ".");
    }
    Node n = folded.node(layer);
    INDArray w = folded.param(n.param("weight")).castTo(DataType.FLOAT).dup('c');
    int[] shape = Arrays.stream(w.shape()).mapToInt(d -> (int) d).toArray();
    return new Tensor(net.name() + " " + layer + " weights", w.data().asFloat(), shape);
  }

  public String name() {
    return name;
  }

  public int size() {
    return values.length;
  }

  /** The shape; a weight's output channels come first (PyTorch layout: conv OIHW, linear [out, in]). */
  public int[] shape() {
    return shape.clone();
  }

  /** Output channels (the first dimension) of a weight; 1 for a one-dimensional tensor. */
  public int channels() {
    return shape.length >= 2 ? shape[0] : 1;
  }

  public double get(int i) {
    if (i < 0 || i >= values.length)
      throw new QuantException("Index " + i + " is outside tensor '" + name + "', which has "
          + values.length + " values.");
    return values[i];
  }

  /** All values, as doubles (a copy). */
  public double[] values() {
    return head(values.length);
  }

  /** The first {@code n} values (fewer if the tensor is smaller). */
  public double[] head(int n) {
    double[] d = new double[Math.min(Math.max(n, 0), values.length)];
    for (int i = 0; i < d.length; i++) d[i] = values[i];
    return d;
  }

  public double min() {
    double m = Double.POSITIVE_INFINITY;
    for (float v : values) m = Math.min(m, v);
    return m;
  }

  public double max() {
    double m = Double.NEGATIVE_INFINITY;
    for (float v : values) m = Math.max(m, v);
    return m;
  }

  /** The largest magnitude: the clipping value of symmetric min-max quantization. */
  public double absMax() {
    return Math.max(Math.abs(min()), Math.abs(max()));
  }

  public double mean() {
    double s = 0;
    for (float v : values) s += v;
    return s / values.length;
  }

  public double std() {
    double m = mean();
    double s = 0;
    for (float v : values) s += (v - m) * (v - m);
    return Math.sqrt(s / values.length);
  }

  /** {@code E|x − mean|}: the scale {@code b} of a Laplace fit (ACIQ's prior). */
  public double meanAbsDev() {
    double m = mean();
    double s = 0;
    for (float v : values) s += Math.abs(v - m);
    return s / values.length;
  }

  /** How many different values the tensor holds (after quantization: at most the quantizer's levels). */
  public int distinct() {
    Set<Float> s = new HashSet<>();
    for (float v : values) s.add(v);
    return s.size();
  }

  // ---- quantizing ----

  /** Every value through {@code q} (quantize, then dequantize). */
  public Tensor quantized(TensorQuantizer q) {
    float[] out = new float[values.length];
    for (int i = 0; i < out.length; i++) out[i] = (float) q.roundTrip(values[i]);
    return new Tensor(name + " at " + q.bits() + " bits", out, shape);
  }

  /** The symmetric min-max quantizer of this tensor: clipping value {@link #absMax}. */
  public TensorQuantizer minMax(int bits) {
    return TensorQuantizer.symmetric(bits, absMax());
  }

  /** Symmetric min-max quantization with one scale for the whole tensor. */
  public Tensor quantized(int bits) {
    return quantized(minMax(bits));
  }

  /** Symmetric min-max quantization with one scale per output channel (each channel's own largest magnitude). */
  public Tensor perChannel(int bits) {
    int ch = channels();
    int per = values.length / ch;
    float[] out = new float[values.length];
    for (int c = 0; c < ch; c++) {
      double m = 0;
      for (int i = c * per; i < (c + 1) * per; i++) m = Math.max(m, Math.abs(values[i]));
      if (m == 0) continue; // an all-zero channel stays zero
      TensorQuantizer q = TensorQuantizer.symmetric(bits, m);
      for (int i = c * per; i < (c + 1) * per; i++) out[i] = (float) q.roundTrip(values[i]);
    }
    return new Tensor(name + " at " + bits + " bits per channel", out, shape);
  }

  /** Each channel's largest magnitude: the clipping values per-channel quantization uses. */
  public double[] channelMaxima() {
    int ch = channels();
    int per = values.length / ch;
    double[] m = new double[ch];
    for (int c = 0; c < ch; c++)
      for (int i = c * per; i < (c + 1) * per; i++) m[c] = Math.max(m[c], Math.abs(values[i]));
    return m;
  }

  /** Binarized: {@code α·sign(x)} with {@code α = mean |x|} (sign(0) = +1), the weights of a binarized network. */
  public Tensor binarized() {
    double alpha = 0;
    for (float v : values) alpha += Math.abs(v);
    alpha /= values.length;
    float[] out = new float[values.length];
    for (int i = 0; i < out.length; i++) out[i] = (float) (values[i] >= 0 ? alpha : -alpha);
    return new Tensor(name + " binarized", out, shape);
  }

  // ---- measuring ----

  /** Mean squared difference to another tensor of the same size. */
  public double mse(Tensor other) {
    if (other.values.length != values.length) {
      throw new QuantException("Tensors '" + name + "' (" + values.length + " values) and '"
          + other.name + "' (" + other.values.length
          + " values) differ in size; compare a tensor with its own quantized version.");
    }
    double s = 0;
    for (int i = 0; i < values.length; i++) {
      double d = (double) values[i] - other.values[i];
      s += d * d;
    }
    return s / values.length;
  }

  /** Signal-to-quantization-noise ratio in dB: {@code 10·log10(E[x²] / mse)}. */
  public double sqnr(Tensor quantized) {
    double p = 0;
    for (float v : values) p += (double) v * v;
    return 10 * Math.log10(p / values.length / mse(quantized));
  }

  /** Quantization error against bit width ({@code from..to}, 2..16): per-tensor and (for weights) per-channel min-max. */
  public BitSweep errorVsBits(int from, int to) {
    return BitSweep.of(this, from, to);
  }

  /** Error against the clipping value at {@code bits}: measured, ACIQ's analytic expectation, and each method's choice. */
  public ClippingCurve clipping(int bits) {
    return ClippingCurve.of(this, bits);
  }

  // ---- charts ----

  /** The histogram of the values. */
  public XYChart histogram() {
    return Charts.histogram(name, new Tensor[] {this}, null);
  }

  /** The histogram with {@code q}'s range marked: values outside it are clipped. */
  public XYChart histogram(TensorQuantizer q) {
    return Charts.histogram(name + ", " + q.describe(), new Tensor[] {this}, q);
  }

  /** This tensor's histogram and another's on the same bins (e.g. before and after quantization). */
  public XYChart histogram(Tensor other) {
    return Charts.histogram(name + " vs " + other.name, new Tensor[] {this, other}, null);
  }

  /** One bar per output channel: its largest magnitude, beside the tensor's (the one per-tensor scale must cover). */
  public CategoryChart channelRanges() {
    double[] m = channelMaxima();
    CategoryChart c = new CategoryChartBuilder()
        .width(720)
        .height(320)
        .title(name + ": largest |w| per output channel")
        .xAxisTitle("output channel")
        .yAxisTitle("max |w|")
        .build();
    java.util.List<Integer> idx = new java.util.ArrayList<>();
    java.util.List<Double> v = new java.util.ArrayList<>();
    java.util.List<Double> all = new java.util.ArrayList<>();
    for (int i = 0; i < m.length; i++) {
      idx.add(i);
      v.add(m[i]);
      all.add(absMax());
    }
    c.addSeries("channel", idx, v).setFillColor(new Color(31, 119, 180));
    var whole = c.addSeries("whole tensor", idx, all);
    whole.setChartCategorySeriesRenderStyle(
        org.knowm.xchart.CategorySeries.CategorySeriesRenderStyle.Line);
    whole.setLineColor(Color.RED);
    whole.setMarker(org.knowm.xchart.style.markers.SeriesMarkers.NONE);
    c.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.InsideNE);
    c.getStyler().setXAxisTicksVisible(m.length <= 64);
    c.getStyler().setOverlapped(true);
    return c;
  }

  float[] raw() {
    return values;
  }

  @Override
  public String toString() {
    String dims = Arrays.stream(shape)
        .mapToObj(String::valueOf)
        .reduce((a, b) -> a + "x" + b)
        .orElse("");
    return String.format(
        "%s: %,d values (%s), min %.5g, max %.5g, mean %.4g, std %.4g",
        name, values.length, dims, min(), max(), mean(), std());
  }

  @Override
  public MimeBundle render() {
    return MimeBundle.html(toString(), "<p>" + TableHtml.escape(toString()) + "</p>");
  }
}
