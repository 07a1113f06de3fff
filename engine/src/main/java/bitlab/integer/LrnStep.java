package bitlab.integer;

import bitlab.model.Op;
import bitlab.model.Shape;
import bitlab.quant.QuantParams;
import bitlab.quant.Rounding;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Local response normalization on codes: {@code y = x · (bias + α/size · Σ x²)^-β} over a window of channels. With
 * {@code x = S_in (q − z)} the sum of squares is {@code S_in² · Q}, {@code Q = Σ (q − z)²} an integer of at most
 * {@code size · 255²}; so the whole scale {@code m(Q) = S_in/S_out · (bias + α/size · S_in² Q)^-β} is a function of
 * an integer and is tabulated once, at compile time, as fixed-point multipliers {@code M[Q] = round(m(Q) · 2^shift)}.
 * Running it is integer only: the window's sum of squared code differences, one look-up, one 64-bit product and a
 * rounding shift, {@code q_out = clamp(round((q − z) · M[Q] / 2^shift) + z_out)} (the look-up form of a non-linear
 * normalization, as for the element-wise functions). The multipliers carry 30 significant bits, so the codes are the
 * fake-quantized model's except where its float result sits within about 2^-30 of a rounding tie.
 */
public record LrnStep(
    String node,
    String input,
    Shape shape,
    int size,
    int zeroIn,
    int[] multipliers,
    int shift,
    Rounding rounding,
    QuantParams out)
    implements Step {

  static LrnStep of(
      String node,
      String input,
      Op.Lrn l,
      Shape shape,
      QuantParams in,
      QuantParams out,
      Rounding r) {
    int z = in.zeroPoint(0);
    long d = Math.max(in.spec().qmax() - z, z - in.spec().qmin());
    int entries = Math.toIntExact(l.size() * d * d + 1);
    double sIn = in.scale(0), ratio = sIn / out.scale(0);
    double top = ratio * Math.pow(l.bias(), -l.beta()); // the largest multiplier: Q = 0 (beta >= 0)
    if (!(top < (1 << 30)))
      throw new IntegerException(
          "Node '" + node + "' (LRN): its output scale is " + (float) (1 / ratio)
              + " times its input's, too fine for a 31-bit multiplier; calibrate its output on more data.");
    int shift = 0;
    while (shift < Dyadic.MAX_SHIFT - 1 && top * Math.pow(2, shift + 1) < (1 << 30)) shift++;
    int[] m = new int[entries];
    for (int q = 0; q < entries; q++) {
      double v = ratio * Math.pow(l.bias() + l.alpha() / l.size() * sIn * sIn * q, -l.beta());
      m[q] = (int) Math.round(Math.scalb(v, shift));
    }
    return new LrnStep(node, input, shape, l.size(), z, m, shift, r, out);
  }

  @Override
  public String op() {
    return "LRN";
  }

  @Override
  public List<String> inputs() {
    return List.of(input);
  }

  /** The output code of input code difference {@code x} with window sum of squares {@code q}. */
  private int code(long x, int q) {
    long y = Dyadic.shiftRound(x * multipliers[q], shift, rounding) + out.zeroPoint(0);
    return (int) Math.max(out.spec().qmin(), Math.min(out.spec().qmax(), y));
  }

  @Override
  public IntTensor run(List<IntTensor> in) {
    IntTensor x = in.get(0);
    int c = shape.channels(), plane = shape.height() * shape.width();
    byte[] o = new byte[x.codes().length];
    int[] sq = new int[c];
    for (int n = 0; n < x.batch(); n++) {
      int base = n * c * plane;
      for (int p = 0; p < plane; p++) {
        for (int k = 0; k < c; k++) {
          int v = x.code(base + k * plane + p) - zeroIn;
          sq[k] = v * v;
        }
        for (int k = 0; k < c; k++) {
          int s = 0;
          for (int j = first(k); j <= last(k, c); j++) s += sq[j];
          o[base + k * plane + p] = (byte) code(x.code(base + k * plane + p) - zeroIn, s);
        }
      }
    }
    return new IntTensor(shape, x.batch(), o, out);
  }

  @Override
  public INDArray simulate(List<INDArray> in) {
    // The window sums of squares by ND4J on float64 codes (exact integers), then the shared
    // rounding.
    INDArray d = in.get(0).dup('c').sub(zeroIn);
    INDArray sq = d.mul(d);
    int c = shape.channels();
    INDArray sums = sq.like();
    for (int k = 0; k < c; k++) {
      INDArray window = sq.get(
          org.nd4j.linalg.indexing.NDArrayIndex.all(),
          org.nd4j.linalg.indexing.NDArrayIndex.interval(first(k), last(k, c) + 1));
      sums.get(
              org.nd4j.linalg.indexing.NDArrayIndex.all(),
              org.nd4j.linalg.indexing.NDArrayIndex.point(k))
          .assign(window.sum(1));
    }
    double[] x = d.data().asDouble(), s = sums.dup('c').data().asDouble();
    double[] y = new double[x.length];
    for (int i = 0; i < y.length; i++) y[i] = code((long) x[i], (int) s[i]);
    return Nd4j.createFromArray(y).reshape(d.shape());
  }

  private int first(int k) {
    return Math.max(0, k - (size - 1) / 2);
  }

  private int last(int k, int c) {
    return Math.min(c - 1, k + size / 2);
  }
}
