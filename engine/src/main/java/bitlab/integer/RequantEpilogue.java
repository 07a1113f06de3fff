package bitlab.integer;

import bitlab.integer.kernel.Epilogue;
import bitlab.quant.Rounding;

/**
 * A Conv layer's epilogue as its kernel applies it: {@code clamp(round((acc + bias_c)·M_c + offset_c/2^shift) + z, lo, hi)},
 * the same {@link Requant#code} the simulation's requantization uses, so a fused kernel's codes are the
 * unfused pass's codes.
 *
 * @param offsets  per channel, the bias's fraction of an accumulator step ({@link Dyadic#apply(long, long, Rounding)}), or null for none
 */
record RequantEpilogue(int[] bias, Dyadic[] multipliers, long[] offsets, Rounding rounding, int zeroPoint, int lo, int hi) implements Epilogue {

  @Override public void codes(int channel, int[] acc, int from, int stride, int n, byte[] out, int to) {
    int b = bias[channel];
    Dyadic m = multipliers[channel];
    long off = offset(channel);
    if (stride == 1) {
      for (int i = 0; i < n; i++) out[to + i] = (byte) Requant.code(acc[from + i] + b, m, off, rounding, zeroPoint, lo, hi);
    } else {
      for (int i = 0, a = from; i < n; i++, a += stride) out[to + i] = (byte) Requant.code(acc[a] + b, m, off, rounding, zeroPoint, lo, hi);
    }
  }

  /** Channel {@code c}'s offset, 0 when the layer has none. */
  long offset(int c) {
    return offsets == null ? 0 : offsets[c];
  }
}
