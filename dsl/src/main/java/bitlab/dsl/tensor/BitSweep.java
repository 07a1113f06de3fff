package bitlab.dsl.tensor;

import bitlab.dsl.display.ChartImages;
import bitlab.dsl.display.MimeBundle;
import bitlab.dsl.display.Renderable;
import bitlab.dsl.display.TableHtml;
import bitlab.quant.QuantException;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.Table;

/**
 * Quantization error of one tensor against bit width, symmetric min-max: per bit width the scale, the
 * measured mean squared error, the uniform-noise prediction {@code scale²/12} (rounding error spread evenly
 * over one step), the SQNR in dB and, for a weight, the error with one scale per output channel.
 */
public final class BitSweep implements Renderable {
  private final Tensor tensor;
  private final int[] bits;
  private final double[] scale;
  private final double[] mse;
  private final double[] predicted;
  private final double[] sqnr;
  private final double[] perChannel;

  private BitSweep(Tensor tensor, int from, int to) {
    if (from < 2 || to > 16 || from > to) {
      throw new QuantException("errorVsBits(from, to) covers 2..16 bits with from <= to, got "
          + from + ".." + to + " (1 bit is binary: see binarized()).");
    }
    this.tensor = tensor;
    int n = to - from + 1;
    bits = new int[n];
    scale = new double[n];
    mse = new double[n];
    predicted = new double[n];
    sqnr = new double[n];
    perChannel = new double[n];
    for (int i = 0; i < n; i++) {
      bits[i] = from + i;
      TensorQuantizer q = tensor.minMax(bits[i]);
      Tensor t = tensor.quantized(q);
      scale[i] = q.scale();
      mse[i] = tensor.mse(t);
      predicted[i] = q.scale() * q.scale() / 12;
      sqnr[i] = tensor.sqnr(t);
      perChannel[i] = tensor.channels() > 1 ? tensor.mse(tensor.perChannel(bits[i])) : Double.NaN;
    }
  }

  static BitSweep of(Tensor t, int from, int to) {
    return new BitSweep(t, from, to);
  }

  private int index(int b) {
    if (b < bits[0] || b > bits[bits.length - 1]) {
      throw new QuantException(
          "This sweep covers " + bits[0] + ".." + bits[bits.length - 1] + " bits, not " + b + ".");
    }
    return b - bits[0];
  }

  /** Measured mean squared error at {@code b} bits (one scale for the tensor). */
  public double mse(int b) {
    return mse[index(b)];
  }

  /** Measured mean squared error at {@code b} bits with one scale per output channel (NaN for a 1-D tensor). */
  public double perChannelMse(int b) {
    return perChannel[index(b)];
  }

  /** {@code scale²/12} at {@code b} bits. */
  public double predicted(int b) {
    return predicted[index(b)];
  }

  public double sqnr(int b) {
    return sqnr[index(b)];
  }

  public Table table() {
    IntColumn b = IntColumn.create("bits");
    IntColumn levels = IntColumn.create("levels");
    DoubleColumn s = DoubleColumn.create("scale");
    DoubleColumn m = DoubleColumn.create("MSE");
    DoubleColumn p = DoubleColumn.create("scale²/12");
    DoubleColumn db = DoubleColumn.create("SQNR dB");
    DoubleColumn pc = DoubleColumn.create("MSE per channel");
    for (int i = 0; i < bits.length; i++) {
      b.append(bits[i]);
      levels.append((1 << bits[i]) - 1);
      s.append(TensorQuantizer.sig(scale[i]));
      m.append(TensorQuantizer.sig(mse[i]));
      p.append(TensorQuantizer.sig(predicted[i]));
      db.append(Math.round(sqnr[i] * 100) / 100.0);
      if (tensor.channels() > 1) pc.append(TensorQuantizer.sig(perChannel[i]));
      else pc.appendMissing();
    }
    Table t = Table.create(
        "error of " + tensor.name() + " against bits (symmetric min-max)", b, levels, s, m, p, db);
    return tensor.channels() > 1 ? t.addColumns(pc) : t;
  }

  /** MSE against bits on a log scale. */
  public XYChart chart() {
    XYChart c = new XYChartBuilder()
        .width(720)
        .height(340)
        .title("quantization error of " + tensor.name())
        .xAxisTitle("bits")
        .yAxisTitle("mean squared error (log)")
        .build();
    c.getStyler().setYAxisLogarithmic(true);
    c.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE);
    double[] x = new double[bits.length];
    for (int i = 0; i < x.length; i++) x[i] = bits[i];
    c.addSeries("measured, one scale per tensor", x, mse);
    XYSeries p = c.addSeries("scale²/12 (uniform rounding noise)", x, predicted);
    p.setLineStyle(new java.awt.BasicStroke(
        1.5f,
        java.awt.BasicStroke.CAP_BUTT,
        java.awt.BasicStroke.JOIN_MITER,
        10f,
        new float[] {6f, 4f},
        0f));
    if (tensor.channels() > 1) c.addSeries("measured, one scale per output channel", x, perChannel);
    return c;
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
