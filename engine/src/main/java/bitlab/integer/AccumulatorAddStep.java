package bitlab.integer;

import bitlab.integer.kernel.Epilogue;
import bitlab.integer.kernel.VectorRequant;
import bitlab.model.Shape;
import bitlab.quant.QuantParams;
import bitlab.quant.Rounding;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A Conv or Linear layer that feeds a residual Add, fused with it (and with a ReLU after it), as HAWQ-V3's
 * integer-only residual blocks run: the layer's int32 accumulator is never requantized on its own; it and
 * the other branch's codes are brought to the Add's output scale over one common shift and rounded once:
 * {@code round((acc_c·f_c + (q_b − z_b)·f_b) / 2^s) + z_out}, clamped to {@code [lo, hi]}, with
 * {@code f_c/2^s ≈ S_x·S_w[c]/S_out} and {@code f_b/2^s ≈ S_b/S_out} ({@code acc_c} includes the int32 bias, whole
 * accumulator steps). So the Add's inputs meet at the accumulator's precision, not at the activation width.
 *
 * @param input       the tensor the layer reads
 * @param other       the Add's other branch (a quantized tensor)
 * @param factors     per output channel, the accumulator's multiplier over the common shift
 */
public record AccumulatorAddStep(
    String node,
    String op,
    String input,
    int inputZeroPoint,
    String other,
    Shape shape,
    LayerAccumulator layer,
    long[] factors,
    int zeroB,
    long factorB,
    int shift,
    QuantParams out,
    int lo,
    int hi,
    Rounding rounding)
    implements Step {

  /**
   * Writes the per-channel accumulator multipliers and the branch's multiplier over one shift such that
   * {@code |acc·f_c| < 2^62} for any int32 accumulator and {@code |(q − z)·f_b| < 2^61} for the code differences of
   * a {@code branchBits}-bit branch ({@code branchBits + 1} bits): the 64-bit sum cannot overflow. Returns the shift.
   */
  static int commonShift(double[] accMultipliers, double branchMultiplier, int branchBits) {
    double max = 0;
    for (double m : accMultipliers) max = Math.max(max, m);
    double limit = Math.scalb(1.0, 61 - (branchBits + 1));
    int s = Dyadic.MAX_SHIFT;
    while (s > 0 && (Math.scalb(max, s) >= 0x1p31 || Math.scalb(branchMultiplier, s) >= limit)) s--;
    if (Math.scalb(max, s) >= 0x1p31 || Math.scalb(branchMultiplier, s) >= limit) {
      throw new IntegerException(
          "A residual Add needs multipliers of " + max + " and " + branchMultiplier
              + ", too large for one 64-bit sum; the scales of its branches are broken.");
    }
    return s;
  }

  @Override
  public int outputBits() {
    return out.spec().bits();
  }

  /** The accumulator's multipliers (their range) and the branch's, over the common shift. */
  @Override
  public String rescaling() {
    long lo = Long.MAX_VALUE, hi = 0;
    for (long f : factors) {
      lo = Math.min(lo, f);
      hi = Math.max(hi, f);
    }
    return (lo == hi ? String.valueOf(lo) : lo + ".." + hi) + "/2^" + shift + ", " + factorB + "/2^"
        + shift;
  }

  @Override
  public List<String> inputs() {
    return List.of(input, other);
  }

  long code(long acc, int channel, int qb) {
    long v = acc * factors[channel] + (qb - zeroB) * factorB;
    return Math.max(lo, Math.min(hi, Dyadic.shiftRound(v, shift, rounding) + out.zeroPoint(0)));
  }

  /**
   * The layer's kernel applies the addition as its epilogue, while its sums are in cache: the output index it
   * writes is the branch's index too (the branch is brought to the layout the kernel writes, NCHW or channels-last),
   * and the bias the kernel leaves out is added as {@link LayerAccumulator#accumulate} adds it, in int32.
   */
  @Override
  public IntTensor run(List<IntTensor> in) {
    IntTensor x = in.get(0), b = in.get(1);
    if (b.wide() || IntTensor.wide(out)) {
      // 16-bit words (the residual stream above 8 bits): the kernel adds while its sums are in
      // cache, reading and writing words (WideAddEpilogue), in the layout it writes
      boolean nhwc = layer.kernel().channelsLast();
      WideAddEpilogue e = new WideAddEpilogue(
          this, nhwc ? b.toNhwc() : b.nchw(), x.batch() * (int) shape.elements());
      if (e.out == null) return layer.requantize(x, e, shape, out);
      layer.requantizeWide(x, e);
      return new IntTensor(shape, x.batch(), null, e.out, out, nhwc);
    }
    b = layer.kernel().channelsLast() ? b.toNhwc() : b.nchw();
    return layer.requantize(x, new Into(b.codes(), b.unsigned() ? 0xFF : -1), shape, out);
  }

  @Override
  public boolean takesNhwc() {
    return true;
  }

  /** The addition as the kernel's epilogue, reading the branch's code at the index it writes. */
  private final class Into implements Epilogue {
    private final byte[] branch;
    private final int mask;

    Into(byte[] branch, int mask) {
      this.branch = branch;
      this.mask = mask;
    }

    @Override
    public void codes(int channel, int[] acc, int from, int stride, int n, byte[] o, int to) {
      int bc = layer.bias()[channel];
      for (int i = 0, a = from; i < n; i++, a += stride)
        o[to + i] = (byte) code(acc[a] + bc, channel, branch[to + i] & mask);
    }

    /** Channels-last: eight channels at a time in 64-bit lanes where the CPU has AVX-512, the rest in scalar. */
    @Override
    public void positions(int[] acc, int from, int positions, int channels, byte[] o, int to) {
      int[] bias = layer.bias();
      int c0 = VECTOR
          ? VectorRequant.accumulatorAdd(
              acc,
              from,
              positions,
              channels,
              bias,
              factors,
              branch,
              mask,
              zeroB,
              factorB,
              shift,
              Requant.mode(rounding),
              out.zeroPoint(0),
              lo,
              hi,
              o,
              to)
          : 0;
      if (c0 == channels) return;
      for (int p = 0, a = from, t = to; p < positions; p++, a += channels, t += channels)
        for (int c = c0; c < channels; c++)
          o[t + c] = (byte) code(acc[a + c] + bias[c], c, branch[t + c] & mask);
    }
  }

  /** Eight channels at a time where the CPU has AVX-512 ({@link VectorRequant#accumulatorAdd}). */
  private static final boolean VECTOR = bitlab.integer.kernel.ConvKernels.vectorRequant();

  @Override
  public INDArray simulate(List<INDArray> in) {
    int batch = (int) in.get(0).size(0);
    int[] acc = layer.simulate(in.get(0), inputZeroPoint);
    double[] b = in.get(1).dup('c').data().asDouble();
    int channels = layer.geometry().outChannels(),
        plane = layer.geometry().outH() * layer.geometry().outW();
    double[] o = new double[acc.length];
    for (int i = 0; i < o.length; i++) o[i] = code(acc[i], (i / plane) % channels, (int) b[i]);
    return Nd4j.createFromArray(o).reshape(shape.withBatch(batch));
  }
}
