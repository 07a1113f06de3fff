package bitlab.integer;

import bitlab.integer.kernel.ConvKernels;
import bitlab.integer.kernel.Parallel;
import bitlab.integer.kernel.VectorRequant;
import bitlab.integer.kernel.WideRequant;
import bitlab.model.Shape;
import bitlab.quant.QuantParams;
import bitlab.quant.Rounding;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The residual addition (with a fused ReLU when one follows): each branch is brought to the output
 * scale by its own dyadic multiplier {@code S_branch / S_out}; both multipliers are written over one
 * common shift so the sum is rounded once: {@code round((a−za)·fa / 2^s + (b−zb)·fb / 2^s) + z_out},
 * clamped to {@code [lo, hi]}.
 */
public record ResidualStep(
    String node,
    String op,
    String a,
    String b,
    Shape shape,
    int zeroA,
    int zeroB,
    long factorA,
    long factorB,
    int shift,
    QuantParams out,
    int lo,
    int hi,
    Rounding rounding)
    implements Step {

  /** Writes two branch multipliers over a common shift, keeping the 64-bit sum of 8-bit codes exact. */
  public static long[] align(Dyadic ma, Dyadic mb) {
    return align(ma, mb, IntTensor.BYTE_BITS);
  }

  /** Writes two branch multipliers over a common shift, keeping the 64-bit sum of codes of up to {@code bits} bits exact. */
  public static long[] align(Dyadic ma, Dyadic mb, int bits) {
    int s = Math.max(ma.shift(), mb.shift());
    long fa = (long) ma.multiplier() << (s - ma.shift());
    long fb = (long) mb.multiplier() << (s - mb.shift());
    // |code difference| <= 2^(bits+1) and two terms: each factor must stay below 2^(62-bits-1).
    long limit = 1L << (62 - (bits + 1));
    while (fa >= limit || fb >= limit) {
      fa >>= 1;
      fb >>= 1;
      s--;
    }
    if (s < 0)
      throw new IntegerException(
          "A residual branch needs a multiplier of " + Math.max(ma.value(), mb.value())
              + ", too large for the add; the branch scales differ by too much.");
    return new long[] {fa, fb, s};
  }

  /** Eight elements at a time in 64-bit lanes where the CPU has AVX-512 ({@link VectorRequant}). */
  private static final boolean VECTOR = ConvKernels.vectorRequant();

  @Override
  public int outputBits() {
    return out.spec().bits();
  }

  @Override
  public String rescaling() {
    return factorA + "/2^" + shift + ", " + factorB + "/2^" + shift;
  }

  @Override
  public List<String> inputs() {
    return List.of(a, b);
  }

  long code(int qa, int qb) {
    return Math.max(
        lo,
        Math.min(
            hi,
            Dyadic.shiftRound((qa - zeroA) * factorA + (qb - zeroB) * factorB, shift, rounding)
                + out.zeroPoint(0)));
  }

  /** {@link #code} on all cores, reading the codes straight from the bytes. */
  @Override
  public IntTensor run(List<IntTensor> in) {
    IntTensor x = in.get(0), y = in.get(1);
    if (x.wide() || y.wide() || IntTensor.wide(out)) return runWide(x, y.like(x));
    // element by element: any layout, the same for both branches
    y = y.like(x);
    byte[] a = x.codes(), b = y.codes(), o = CallBuffers.bytes(a.length);
    int maskA = x.unsigned() ? 0xFF : -1,
        maskB = y.unsigned() ? 0xFF : -1; // an unsigned code is its byte & 0xFF
    int mode = Requant.mode(rounding), zp = out.zeroPoint(0);
    Parallel.ranges(o.length, Requant.GRAIN, Parallel.defaultThreads(), (from, to) -> {
      int i = VECTOR
          ? VectorRequant.residual(
              a, maskA, zeroA, factorA, b, maskB, zeroB, factorB, shift, mode, zp, lo, hi, o, from,
              to)
          : from;
      for (; i < to; i++) o[i] = (byte) code(a[i] & maskA, b[i] & maskB);
    });
    return new IntTensor(shape, x.batch(), o, out, x.nhwc());
  }

  /**
   * The residual stream above 8 bits: each branch and the output in 16-bit words or bytes as their quantizers say,
   * element by element in the first branch's layout, eight at a time where the CPU has AVX-512 ({@link WideRequant}).
   */
  private IntTensor runWide(IntTensor x, IntTensor y) {
    short[] wa = x.wide() ? x.wideCodes() : null, wb = y.wide() ? y.wideCodes() : null;
    byte[] na = x.wide() ? null : x.codes(), nb = y.wide() ? null : y.codes();
    int maskA = !x.unsigned() ? -1 : x.wide() ? 0xFFFF : 0xFF,
        maskB = !y.unsigned() ? -1 : y.wide() ? 0xFFFF : 0xFF;
    int mode = Requant.mode(rounding), zp = out.zeroPoint(0);
    boolean wideOut = IntTensor.wide(out);
    short[] wo = wideOut ? CallBuffers.shorts(x.length()) : null;
    byte[] no = wideOut ? null : CallBuffers.bytes(x.length());
    Parallel.ranges(x.length(), Requant.GRAIN, Parallel.defaultThreads(), (from, to) -> {
      int i = VECTOR
          ? WideRequant.residual(
              wa, na, maskA, zeroA, factorA, wb, nb, maskB, zeroB, factorB, shift, mode, zp, lo, hi,
              wo, no, from, to)
          : from;
      for (; i < to; i++) {
        long c = code((wa != null ? wa[i] : na[i]) & maskA, (wb != null ? wb[i] : nb[i]) & maskB);
        if (wo != null) wo[i] = (short) c;
        else no[i] = (byte) c;
      }
    });
    return new IntTensor(shape, x.batch(), no, wo, out, x.nhwc());
  }

  @Override
  public boolean takesNhwc() {
    return true;
  }

  @Override
  public INDArray simulate(List<INDArray> in) {
    // ND4J carries the branch codes; the combination is the shared integer formula.
    double[] x = in.get(0).dup('c').data().asDouble(),
        y = in.get(1).dup('c').data().asDouble();
    double[] o = new double[x.length];
    for (int i = 0; i < o.length; i++) o[i] = code((int) x[i], (int) y[i]);
    return Nd4j.createFromArray(o).reshape(in.get(0).shape());
  }
}
