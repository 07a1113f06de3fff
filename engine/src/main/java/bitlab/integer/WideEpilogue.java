package bitlab.integer;

import bitlab.integer.kernel.ConvKernels;
import bitlab.integer.kernel.Epilogue;
import bitlab.integer.kernel.WideRequant;
import bitlab.quant.Rounding;

/**
 * {@link RequantEpilogue}'s arithmetic for a layer that writes the wide residual stream (codes above 8 bits): the
 * kernel hands over its int32 sums while they are in cache, as it does for byte codes, and this epilogue writes
 * 16-bit words into its own array {@link #out} at the indices the kernel names (the kernel's byte array is not used;
 * the kernel is called with none). Channels-last runs go eight channels at a time, contiguous runs of one channel
 * eight positions at a time, through {@link WideRequant} where the CPU has AVX-512; the rest through
 * {@link Requant#code}.
 */
final class WideEpilogue implements Epilogue {
  private static final boolean VECTOR = ConvKernels.vectorRequant();

  /** The 16-bit codes written, in the kernel's output order. */
  final short[] out;

  private final int[] bias;
  private final Dyadic[] multipliers;
  private final Rounding rounding;
  private final int zeroPoint, lo, hi;
  /** Per channel for the vector pass; null where it cannot run (no AVX-512, a shift of 0, under eight channels). */
  private final long[] m, shift, half;

  WideEpilogue(
      int length,
      int[] bias,
      Dyadic[] multipliers,
      Rounding rounding,
      int zeroPoint,
      int lo,
      int hi) {
    this.out = CallBuffers.shorts(length);
    this.bias = bias;
    this.multipliers = multipliers;
    this.rounding = rounding;
    this.zeroPoint = zeroPoint;
    this.lo = lo;
    this.hi = hi;
    int n = multipliers.length;
    boolean lanes = VECTOR && n >= 8;
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
  }

  private short code(int acc, int channel) {
    return (short)
        Requant.code(acc + bias[channel], multipliers[channel], rounding, zeroPoint, lo, hi);
  }

  @Override
  public void codes(int channel, int[] acc, int from, int stride, int n, byte[] unused, int to) {
    int i = 0;
    if (VECTOR && stride == 1) {
      Dyadic d = multipliers[channel];
      i = WideRequant.codes(
          acc,
          from,
          n,
          bias[channel],
          d.multiplier(),
          d.shift(),
          Requant.mode(rounding),
          zeroPoint,
          lo,
          hi,
          out,
          to);
    }
    for (int a = from + i * stride; i < n; i++, a += stride) out[to + i] = code(acc[a], channel);
  }

  @Override
  public void positions(int[] acc, int from, int positions, int channels, byte[] unused, int to) {
    int c0 = m == null
        ? 0
        : WideRequant.channelsLast(
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
      for (int c = c0; c < channels; c++) out[o + c] = code(acc[a + c], c);
  }

  /** oneDNN's sums read where it wrote them (native byte order). */
  @Override
  public void positions(
      java.nio.ByteBuffer acc, int from, int positions, int channels, byte[] unused, int to) {
    positions(acc, from, positions, channels, bias, to);
  }

  /**
   * In place, with the zero-point correction folded into the bias as {@code RequantEpilogue} does: {@code (acc − minus)
   * + bias} is {@code acc + (bias − minus)} in int32.
   */
  @Override
  public void positionsMinus(
      java.nio.ByteBuffer acc,
      int from,
      int positions,
      int channels,
      int[] minus,
      byte[] unused,
      int to) {
    Folded f = folded;
    if (f == null || f.minus() != minus) {
      int[] b = new int[bias.length];
      for (int c = 0; c < b.length; c++) b[c] = bias[c] - minus[c];
      folded = f = new Folded(minus, b);
    }
    positions(acc, from, positions, channels, f.bias(), to);
  }

  /** The last correction folded, and the bias it gave (the kernel passes the same array call after call). */
  private record Folded(int[] minus, int[] bias) {}

  private volatile Folded folded;

  private void positions(
      java.nio.ByteBuffer acc, int from, int positions, int channels, int[] bias, int to) {
    int c0 = m == null
        ? 0
        : WideRequant.channelsLast(
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
        out[o + c] = (short) Requant.code(
            acc.getInt(4 * (a + c)) + bias[c], multipliers[c], rounding, zeroPoint, lo, hi);
  }
}
