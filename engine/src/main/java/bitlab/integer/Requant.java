package bitlab.integer;

import bitlab.quant.Rounding;

/** The shared last step of every rescaling: dyadic rounding, zero point, clamp to the output range. */
final class Requant {
  private Requant() {}

  /** {@code clamp(round(acc · m) + zeroPoint, lo, hi)}. */
  static long code(long acc, Dyadic m, Rounding r, int zeroPoint, int lo, int hi) {
    long v = m.apply(acc, r) + zeroPoint;
    return v < lo ? lo : (v > hi ? hi : v);
  }

  /** Per-channel requantization of NCHW accumulators ({@code plane} positions per channel). */
  static byte[] channels(int[] acc, int batch, int channels, int plane, Dyadic[] m, Rounding r, int zeroPoint, int lo, int hi) {
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
