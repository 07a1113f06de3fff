package bitlab.integer;

import bitlab.integer.kernel.Parallel;
import bitlab.quant.Rounding;

/** The shared last step of every rescaling: dyadic rounding, zero point, clamp to the output range. */
final class Requant {
  private Requant() {}

  /** {@code clamp(round(acc · m) + zeroPoint, lo, hi)}. */
  static long code(long acc, Dyadic m, Rounding r, int zeroPoint, int lo, int hi) {
    return Math.max(
        lo, Math.min(hi, m.apply(acc, r) + zeroPoint)); // min/max, not branches: clamps are common
  }

  /** {@code r} as {@link bitlab.integer.kernel.VectorRequant} numbers the rounding modes. */
  static int mode(Rounding r) {
    return switch (r) {
      case HALF_EVEN -> bitlab.integer.kernel.VectorRequant.HALF_EVEN;
      case HALF_UP -> bitlab.integer.kernel.VectorRequant.HALF_UP;
      case HALF_AWAY -> bitlab.integer.kernel.VectorRequant.HALF_AWAY;
    };
  }

  /** Elements below which an element-wise pass is not split between cores. */
  static final int GRAIN = 16_384;

  /**
   * Per-channel requantization of a layer's NCHW accumulators ({@code outH·outW} positions per channel), {@link #code}
   * on all cores, into the container of the output quantizer {@code out}.
   */
  static CodeBuffer channels(
      int[] acc,
      int batch,
      bitlab.integer.kernel.ConvGeometry g,
      Dyadic[] m,
      Rounding r,
      bitlab.quant.QuantParams out,
      int lo,
      int hi) {
    CodeBuffer codes = new CodeBuffer(acc.length, out);
    channels(
        acc, batch, g.outChannels(), g.outH() * g.outW(), m, r, out.zeroPoint(0), lo, hi, codes);
    return codes;
  }

  /** The same into bytes, {@code plane} positions per channel. */
  static byte[] channels(
      int[] acc,
      int batch,
      int channels,
      int plane,
      Dyadic[] m,
      Rounding r,
      int zeroPoint,
      int lo,
      int hi) {
    CodeBuffer codes = new CodeBuffer(acc.length, null);
    channels(acc, batch, channels, plane, m, r, zeroPoint, lo, hi, codes);
    return codes.bytes();
  }

  private static void channels(
      int[] acc,
      int batch,
      int channels,
      int plane,
      Dyadic[] m,
      Rounding r,
      int zeroPoint,
      int lo,
      int hi,
      CodeBuffer codes) {
    int rowsPerTask = Math.max(1, GRAIN / Math.max(1, plane));
    Parallel.ranges(batch * channels, rowsPerTask, Parallel.defaultThreads(), (from, to) -> {
      for (int row = from; row < to; row++) {
        Dyadic mc = m[row % channels];
        for (int i = row * plane, end = i + plane; i < end; i++)
          codes.put(i, code(acc[i], mc, r, zeroPoint, lo, hi));
      }
    });
  }

  /** Float64 values that must be integers (sums of codes) back to int, failing loudly if one is not. */
  static int[] exactInts(double[] v) {
    int[] out = new int[v.length];
    for (int i = 0; i < v.length; i++) {
      double r = Math.rint(v[i]);
      if (Math.abs(r - v[i]) > 1e-6 || Math.abs(r) > Integer.MAX_VALUE) {
        throw new IntegerException(
            "The float64 simulation produced a non-integer sum " + v[i] + " at element " + i + ".");
      }
      out[i] = (int) r;
    }
    return out;
  }
}
