package bitlab.integer;

import bitlab.integer.kernel.ConvKernels;
import bitlab.integer.kernel.Epilogue;
import bitlab.integer.kernel.VectorRequant;
import bitlab.quant.Rounding;

/**
 * A Conv layer's epilogue as its kernel applies it: {@code clamp(round((acc + bias_c)·M_c + offset_c/2^shift) + z, lo, hi)},
 * the same {@link Requant#code} the simulation's requantization uses, so a fused kernel's codes are the
 * unfused pass's codes. Contiguous runs go eight at a time through {@link VectorRequant} where the CPU has AVX-512.
 *
 * @param offsets  per channel, the bias's fraction of an accumulator step ({@link Dyadic#apply(long, long, Rounding)}), or null for none
 */
record RequantEpilogue(
    int[] bias,
    Dyadic[] multipliers,
    long[] offsets,
    Rounding rounding,
    int zeroPoint,
    int lo,
    int hi)
    implements Epilogue {
  /** Eight codes at a time in 64-bit lanes where the CPU has AVX-512 ({@link VectorRequant}). */
  private static final boolean VECTOR = ConvKernels.vectorRequant();

  @Override
  public void codes(int channel, int[] acc, int from, int stride, int n, byte[] out, int to) {
    int b = bias[channel];
    Dyadic m = multipliers[channel];
    long off = offset(channel);
    if (stride == 1) {
      int i = VECTOR
          ? VectorRequant.codes(
              acc,
              from,
              n,
              b,
              m.multiplier(),
              off,
              m.shift(),
              Requant.mode(rounding),
              zeroPoint,
              lo,
              hi,
              out,
              to)
          : 0;
      for (; i < n; i++)
        out[to + i] = (byte) Requant.code(acc[from + i] + b, m, off, rounding, zeroPoint, lo, hi);
    } else {
      for (int i = 0, a = from; i < n; i++, a += stride)
        out[to + i] = (byte) Requant.code(acc[a] + b, m, off, rounding, zeroPoint, lo, hi);
    }
  }

  /** Channel {@code c}'s offset, 0 when the layer has none. */
  long offset(int c) {
    return offsets == null ? 0 : offsets[c];
  }
}
