package bitlab.integer;

import bitlab.integer.kernel.ConvKernels;
import bitlab.integer.kernel.Epilogue;
import bitlab.integer.kernel.FmaRequant;
import bitlab.integer.kernel.VectorRequant;
import bitlab.quant.Rounding;

/**
 * A Conv layer's epilogue as its kernel applies it: {@code clamp(round((acc + bias_c)·M_c) + z, lo, hi)}, the same
 * {@link Requant#code} the simulation's requantization uses, so a fused kernel's codes are the unfused pass's codes.
 * Contiguous runs go eight at a time through {@link VectorRequant} where the CPU has AVX-512.
 *
 * <p>Channels-last runs (oneDNN's sums) go eight channels at a time, each lane with its channel's multiplier and
 * shift; with one fused multiply-add of doubles ({@link FmaRequant}) where every channel's multiplier fits it.
 */
final class RequantEpilogue implements Epilogue {
  /** Eight codes at a time in 64-bit lanes where the CPU has AVX-512 ({@link VectorRequant}). */
  private static final boolean VECTOR = ConvKernels.vectorRequant();

  private final int[] bias;
  private final Dyadic[] multipliers;
  private final Rounding rounding;
  private final int zeroPoint, lo, hi;
  /** Per channel for the channels-last vector pass ({@link VectorRequant#channelsLast}); null where it cannot run. */
  private final long[] m, shift, half;

  /** Per channel {@code m / 2^shift} for {@link FmaRequant#channelsLast}; null where it cannot run or is turned off. */
  private final double[] scale;

  RequantEpilogue(
      int[] bias, Dyadic[] multipliers, Rounding rounding, int zeroPoint, int lo, int hi) {
    this.bias = bias;
    this.multipliers = multipliers;
    this.rounding = rounding;
    this.zeroPoint = zeroPoint;
    this.lo = lo;
    this.hi = hi;
    int n = multipliers.length;
    // any number of channels: FmaRequant runs fewer than eight as one stream of values (lenet5's
    // first layer has six, whose codes all went through the scalar loop while this needed eight)
    boolean lanes = VECTOR && n >= 1;
    for (Dyadic d : multipliers) lanes &= d.shift() > 0; // a lane's shift of 0 has no half
    if (lanes) {
      m = new long[n];
      shift = new long[n];
      half = new long[n];
      for (int c = 0; c < n; c++) {
        m[c] = multipliers[c].multiplier();
        shift[c] = multipliers[c].shift();
        half[c] = 1L << (shift[c] - 1);
      }
    } else {
      m = shift = half = null;
    }
    boolean fma = lanes && FmaRequant.on();
    if (fma)
      for (Dyadic d : multipliers)
        fma &= FmaRequant.fits(d.multiplier(), d.shift(), Requant.mode(rounding));
    scale = fma ? FmaRequant.scales(m, shift) : null;
  }

  /** Whether channels-last runs take {@link FmaRequant}'s lanes (tests ask). */
  boolean fma() {
    return scale != null;
  }

  @Override
  public void codes(int channel, int[] acc, int from, int stride, int n, byte[] out, int to) {
    int b = bias[channel];
    Dyadic m = multipliers[channel];
    if (stride == 1) {
      int i = VECTOR
          ? VectorRequant.codes(
              acc,
              from,
              n,
              b,
              m.multiplier(),
              m.shift(),
              Requant.mode(rounding),
              zeroPoint,
              lo,
              hi,
              out,
              to)
          : 0;
      for (; i < n; i++)
        out[to + i] = (byte) Requant.code(acc[from + i] + b, m, rounding, zeroPoint, lo, hi);
    } else {
      for (int i = 0, a = from; i < n; i++, a += stride)
        out[to + i] = (byte) Requant.code(acc[a] + b, m, rounding, zeroPoint, lo, hi);
    }
  }

  /** {@link #positions(int[], int, int, int, byte[], int)} reading oneDNN's sums in place (native byte order). */
  @Override
  public void positions(
      java.nio.ByteBuffer acc, int from, int positions, int channels, byte[] out, int to) {
    positions(acc, from, positions, channels, bias, out, to);
  }

  /** The bias less a per-channel correction, made for the last {@code minus} array seen (a layer passes the same one). */
  private record Folded(int[] minus, int[] bias) {}

  private volatile Folded folded;

  /** In place, with the correction folded into the bias: {@code (acc − minus) + bias} is {@code acc + (bias − minus)} in int32. */
  @Override
  public void positionsMinus(
      java.nio.ByteBuffer acc,
      int from,
      int positions,
      int channels,
      int[] minus,
      byte[] out,
      int to) {
    Folded f = folded;
    if (f == null || f.minus() != minus) {
      int[] b = new int[bias.length];
      for (int c = 0; c < b.length; c++) b[c] = bias[c] - minus[c];
      folded = f = new Folded(minus, b);
    }
    positions(acc, from, positions, channels, f.bias(), out, to);
  }

  private void positions(
      java.nio.ByteBuffer acc,
      int from,
      int positions,
      int channels,
      int[] bias,
      byte[] out,
      int to) {
    int c0 = m == null
        ? 0
        : scale != null
            ? FmaRequant.channelsLast(
                acc,
                from,
                positions,
                channels,
                bias,
                scale,
                Requant.mode(rounding),
                zeroPoint,
                lo,
                hi,
                out,
                to)
            : VectorRequant.channelsLast(
                acc,
                from,
                positions,
                channels,
                bias,
                m,
                shift,
                half,
                Requant.mode(rounding),
                zeroPoint,
                lo,
                hi,
                out,
                to);
    if (c0 == channels) return;
    for (int p = 0, a = from, o = to; p < positions; p++, a += channels, o += channels)
      for (int c = c0; c < channels; c++)
        out[o + c] = (byte) Requant.code(
            acc.getInt(4 * (a + c)) + bias[c], multipliers[c], rounding, zeroPoint, lo, hi);
  }

  /** Channels-last: eight channels at a time with their own multipliers where it can, the rest in scalar. */
  @Override
  public void positions(int[] acc, int from, int positions, int channels, byte[] out, int to) {
    int c0 = m == null
        ? 0
        : scale != null
            ? FmaRequant.channelsLast(
                acc,
                from,
                positions,
                channels,
                bias,
                scale,
                Requant.mode(rounding),
                zeroPoint,
                lo,
                hi,
                out,
                to)
            : VectorRequant.channelsLast(
                acc,
                from,
                positions,
                channels,
                bias,
                m,
                shift,
                half,
                Requant.mode(rounding),
                zeroPoint,
                lo,
                hi,
                out,
                to);
    if (c0 == channels) return;
    for (int p = 0, a = from, o = to; p < positions; p++, a += channels, o += channels)
      for (int c = c0; c < channels; c++)
        out[o + c] =
            (byte) Requant.code(acc[a + c] + bias[c], multipliers[c], rounding, zeroPoint, lo, hi);
  }
}
