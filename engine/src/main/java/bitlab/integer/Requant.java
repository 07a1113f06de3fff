package bitlab.integer;

import bitlab.integer.kernel.Parallel;
import bitlab.quant.Rounding;

/** The shared last step of every rescaling: dyadic rounding, zero point, clamp to the output range. */
final class Requant {
  private Requant() {}

  /** {@code clamp(round(acc · m) + zeroPoint, lo, hi)}. */
  static long code(long acc, Dyadic m, Rounding r, int zeroPoint, int lo, int hi) {
    long v = m.apply(acc, r) + zeroPoint;
    return v < lo ? lo : (v > hi ? hi : v);
  }

  /** Elements below which an element-wise pass is not split between cores. */
  static final int GRAIN = 16_384;

  /**
   * Per-channel requantization of NCHW accumulators ({@code plane} positions per channel), on all
   * cores: the same codes as {@link #code} element by element ({@link #channelsReference}), with
   * the rounding chosen once per row instead of per element.
   */
  static byte[] channels(int[] acc, int batch, int channels, int plane, Dyadic[] m, Rounding r, int zeroPoint, int lo, int hi) {
    byte[] out = new byte[acc.length];
    int rowsPerTask = Math.max(1, GRAIN / Math.max(1, plane));
    Parallel.ranges(batch * channels, rowsPerTask, Parallel.defaultThreads(), (from, to) -> {
      for (int row = from; row < to; row++) {
        Dyadic mc = m[row % channels];
        row(acc, out, row * plane, plane, mc.multiplier(), mc.shift(), r, zeroPoint, lo, hi);
      }
    });
    return out;
  }

  /** {@link #channels} one element at a time through {@link #code}: the definition the fast path must equal. */
  static byte[] channelsReference(int[] acc, int batch, int channels, int plane, Dyadic[] m, Rounding r, int zeroPoint, int lo, int hi) {
    byte[] out = new byte[acc.length];
    for (int n = 0; n < batch; n++) {
      for (int c = 0; c < channels; c++) {
        Dyadic mc = m[c];
        int base = (n * channels + c) * plane;
        for (int i = base; i < base + plane; i++) out[i] = (byte) code(acc[i], mc, r, zeroPoint, lo, hi);
      }
    }
    return out;
  }

  /**
   * {@code out[i] = clamp(round(acc[i]·mul / 2^shift) + zeroPoint)} for {@code i} in {@code [from, from+len)}.
   * One loop per rounding mode, each in a method of its own, so that the JIT compiles each loop for
   * one mode instead of one loop for all.
   */
  static void row(int[] acc, byte[] out, int from, int len, long mul, int shift, Rounding r, int zeroPoint, int lo, int hi) {
    if (shift == 0) {
      exact(acc, out, from, from + len, mul, zeroPoint, lo, hi);
      return;
    }
    switch (r) {
      case HALF_UP -> halfUp(acc, out, from, from + len, mul, shift, zeroPoint, lo, hi);
      case HALF_AWAY -> halfAway(acc, out, from, from + len, mul, shift, zeroPoint, lo, hi);
      default -> halfEven(acc, out, from, from + len, mul, shift, zeroPoint, lo, hi);
    }
  }

  private static void exact(int[] acc, byte[] out, int from, int end, long mul, int zeroPoint, int lo, int hi) {
    for (int i = from; i < end; i++) out[i] = (byte) Math.max(lo, Math.min(hi, acc[i] * mul + zeroPoint));
  }

  private static void halfUp(int[] acc, byte[] out, int from, int end, long mul, int shift, int zeroPoint, int lo, int hi) {
    long half = 1L << (shift - 1);
    for (int i = from; i < end; i++) out[i] = (byte) Math.max(lo, Math.min(hi, ((acc[i] * mul + half) >> shift) + zeroPoint));
  }

  private static void halfAway(int[] acc, byte[] out, int from, int end, long mul, int shift, int zeroPoint, int lo, int hi) {
    long half = 1L << (shift - 1);
    for (int i = from; i < end; i++) {
      long v = acc[i] * mul, q = (Math.abs(v) + half) >> shift;
      out[i] = (byte) Math.max(lo, Math.min(hi, (v < 0 ? -q : q) + zeroPoint));
    }
  }

  /** Half to even without a branch: {@code floor((v + half − 1 + odd) / 2^shift)}, where odd is the floor's lowest bit. */
  private static void halfEven(int[] acc, byte[] out, int from, int end, long mul, int shift, int zeroPoint, int lo, int hi) {
    long bias = (1L << (shift - 1)) - 1;
    for (int i = from; i < end; i++) {
      long v = acc[i] * mul;
      long q = (v + bias + ((v >> shift) & 1)) >> shift;
      out[i] = (byte) Math.max(lo, Math.min(hi, q + zeroPoint));
    }
  }

  static double[] toDoubles(byte[] codes, boolean unsigned) {
    double[] v = new double[codes.length];
    for (int i = 0; i < v.length; i++) v[i] = unsigned ? codes[i] & 0xFF : codes[i];
    return v;
  }

  /** Float64 values that must be integers (sums of codes) back to int, failing loudly if one is not. */
  static int[] exactInts(double[] v) {
    int[] out = new int[v.length];
    for (int i = 0; i < v.length; i++) {
      double r = Math.rint(v[i]);
      if (Math.abs(r - v[i]) > 1e-6 || Math.abs(r) > Integer.MAX_VALUE) {
        throw new IntegerException("The float64 simulation produced a non-integer sum " + v[i] + " at element " + i + ".");
      }
      out[i] = (int) r;
    }
    return out;
  }
}
