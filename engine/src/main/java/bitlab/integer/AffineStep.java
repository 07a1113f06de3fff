package bitlab.integer;

import bitlab.model.Shape;
import bitlab.quant.QuantParams;
import bitlab.quant.Rounding;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A BatchNorm that no layer absorbs (DenseNet's pre-activation BatchNorms read a concatenation or a pooling, not a
 * Conv), with the ReLU after it fused as a clamp: per channel {@code y = a_c·x + b_c}, so on codes
 * {@code q_out = clamp(round(m_c·(q − z) + B_c) + z_out, lo, hi)} with {@code m_c = a_c·S_in/S_out} (signed: a
 * BatchNorm's scale may be negative) and {@code B_c = b_c/S_out}, both written over one power of two per channel,
 * {@code round((M_c·(q − z) + O_c) / 2^shift_c)}: one 64-bit product, an addition and a rounding shift per element.
 */
public record AffineStep(
    String node,
    String op,
    String input,
    Shape shape,
    int zeroIn,
    long[] multipliers,
    long[] offsets,
    int[] shifts,
    Rounding rounding,
    QuantParams out,
    int lo,
    int hi)
    implements Step {
  /** Largest shift: keeps {@code M·(q − z) + O} inside a long for 8-bit codes. */
  private static final int MAX_SHIFT = 40;

  /** A BatchNorm node's {@code a_c = γ/√(σ²+ε)} and {@code b_c = β − a_c·μ} as an affine step on codes. */
  static AffineStep batchNorm(
      bitlab.model.Model m,
      bitlab.model.Node n,
      String node,
      String op,
      String input,
      QuantParams in,
      QuantParams out,
      int lo,
      int hi,
      Rounding rounding) {
    double eps = ((bitlab.model.Op.BatchNorm) n.op()).epsilon();
    double[] g = doubles(m, n.name() + ".weight"), beta = doubles(m, n.name() + ".bias");
    double[] mean = doubles(m, n.name() + ".running_mean"),
        var = doubles(m, n.name() + ".running_var");
    double[] a = new double[g.length], b = new double[g.length];
    for (int k = 0; k < a.length; k++) {
      a[k] = g[k] / Math.sqrt(var[k] + eps);
      b[k] = beta[k] - a[k] * mean[k];
    }
    return of(node, op, input, n.shape(), a, b, in, out, lo, hi, rounding);
  }

  private static double[] doubles(bitlab.model.Model m, String param) {
    return m.param(param)
        .castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE)
        .reshape(-1)
        .toDoubleVector();
  }

  static AffineStep of(
      String node,
      String op,
      String input,
      Shape shape,
      double[] scale,
      double[] shift,
      QuantParams in,
      QuantParams out,
      int lo,
      int hi,
      Rounding rounding) {
    int c = scale.length;
    long[] mult = new long[c], off = new long[c];
    int[] shifts = new int[c];
    double sOut = out.scale(0);
    for (int k = 0; k < c; k++) {
      double m = scale[k] * in.scale(0) / sOut;
      if (!Double.isFinite(m) || Math.abs(m) >= 0x1p31)
        throw new IntegerException("Node '" + node + "' (BatchNorm), channel " + k + ": its scale "
            + scale[k] + " cannot be written as a 31-bit multiplier; check its running variance.");
      int s = m == 0 ? MAX_SHIFT : Math.max(0, Math.min(MAX_SHIFT, 30 - Math.getExponent(m)));
      // A shift beyond the output's reach changes no code: every output is clamped past +-(512 +
      // 256|m|) steps.
      double reach = 512 + 256 * Math.abs(m);
      double b = Math.max(-reach, Math.min(reach, shift[k] / sOut));
      mult[k] = Math.round(Math.scalb(m, s));
      off[k] = Math.round(Math.scalb(b, s));
      shifts[k] = s;
    }
    return new AffineStep(
        node, op, input, shape, in.zeroPoint(0), mult, off, shifts, rounding, out, lo, hi);
  }

  @Override
  public List<String> inputs() {
    return List.of(input);
  }

  private int code(long x, int k) {
    long y =
        Dyadic.shiftRound(x * multipliers[k] + offsets[k], shifts[k], rounding) + out.zeroPoint(0);
    return (int) Math.max(lo, Math.min(hi, y));
  }

  @Override
  public IntTensor run(List<IntTensor> in) {
    IntTensor x = in.get(0);
    int c = shape.channels(), plane = shape.height() * shape.width();
    byte[] o = new byte[x.codes().length];
    for (int i = 0; i < o.length; i++) o[i] = (byte) code(x.code(i) - zeroIn, (i / plane) % c);
    return new IntTensor(shape, x.batch(), o, out);
  }

  @Override
  public INDArray simulate(List<INDArray> in) {
    INDArray x = in.get(0).dup('c');
    double[] v = x.data().asDouble();
    int c = shape.channels(), plane = shape.height() * shape.width();
    double[] y = new double[v.length];
    for (int i = 0; i < v.length; i++) y[i] = code((long) v[i] - zeroIn, (i / plane) % c);
    return Nd4j.createFromArray(y).reshape(x.shape());
  }
}
