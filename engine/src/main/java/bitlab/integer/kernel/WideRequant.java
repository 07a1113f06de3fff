package bitlab.integer.kernel;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link VectorRequant}'s rescalings for the residual stream kept wider than a byte (issue 17's 16-bit stream): the
 * same arithmetic eight values at a time in 64-bit lanes, reading and writing 16-bit words as well as bytes. Each
 * tensor is given as a pair of arrays of which exactly one is not null ({@code short[]} for codes above 8 bits,
 * {@code byte[]} up to 8), with a mask that reads its codes unsigned ({@code 0xFFFF}, {@code 0xFF}) or signed
 * ({@code -1}). Every method writes only the first multiple of eight it is given and says how far it got: the
 * callers finish in scalar ({@code Requant.code}), which {@code WideStreamTest} holds these to, value for value.
 * Needs AVX-512 like {@link VectorRequant} ({@link VectorRequant#AVAILABLE}).
 */
public final class WideRequant {
  private static final VectorSpecies<Integer> I = IntVector.SPECIES_256;
  private static final VectorSpecies<Long> L = LongVector.SPECIES_512;
  private static final VectorSpecies<Short> S = ShortVector.SPECIES_128;
  private static final VectorSpecies<Byte> B = ByteVector.SPECIES_64;

  private WideRequant() {}

  /**
   * {@link VectorRequant#codes} writing 16-bit words: {@code out[to + i] = clamp(round((acc[from + i] + bias)·multiplier /
   * 2^shift) + zeroPoint, lo, hi)} for the first multiple of eight of the {@code n} values; returns how many it wrote.
   */
  public static int codes(
      int[] acc,
      int from,
      int n,
      int bias,
      long multiplier,
      int shift,
      int mode,
      int zeroPoint,
      int lo,
      int hi,
      short[] out,
      int to) {
    int done = n & ~7;
    for (int i = 0; i < done; i += 8) {
      IntVector a =
          IntVector.fromArray(I, acc, from + i).add(bias); // int addition, as the scalar path's
      LongVector v = ((LongVector) a.convertShape(VectorOperators.I2L, L, 0)).mul(multiplier);
      store(VectorRequant.round(v, shift, mode), zeroPoint, lo, hi, out, null, to + i);
    }
    return done;
  }

  /**
   * {@link VectorRequant#channelsLast(int[], int, int, int, int[], long[], long[], long[], int, int, int, int, byte[],
   * int)} writing 16-bit words: {@code positions} runs of {@code channels} accumulators from {@code from}, channel
   * {@code c} with {@code bias[c]}, {@code multiplier[c]}, {@code shift[c]} (at least 1) and {@code half[c]}, to
   * {@code out} from {@code to}. Returns the channels written in each run (a multiple of eight).
   */
  public static int channelsLast(
      int[] acc,
      int from,
      int positions,
      int channels,
      int[] bias,
      long[] multiplier,
      long[] shift,
      long[] half,
      int mode,
      int zeroPoint,
      int lo,
      int hi,
      short[] out,
      int to) {
    int done = channels & ~7;
    for (int c = 0; c < done; c += 8) {
      IntVector b = IntVector.fromArray(I, bias, c);
      LongVector m = LongVector.fromArray(L, multiplier, c),
          s = LongVector.fromArray(L, shift, c),
          h = LongVector.fromArray(L, half, c);
      for (int p = 0, a = from + c, o = to + c; p < positions; p++, a += channels, o += channels) {
        IntVector x = IntVector.fromArray(I, acc, a).add(b);
        LongVector v = ((LongVector) x.convertShape(VectorOperators.I2L, L, 0)).mul(m);
        store(VectorRequant.round(v, s, h, mode), zeroPoint, lo, hi, out, null, o);
      }
    }
    return done;
  }

  /** The same reading oneDNN's sums where it wrote them (int32 in native byte order, accumulator {@code i} at byte {@code 4·i}). */
  public static int channelsLast(
      java.nio.ByteBuffer acc,
      int from,
      int positions,
      int channels,
      int[] bias,
      long[] multiplier,
      long[] shift,
      long[] half,
      int mode,
      int zeroPoint,
      int lo,
      int hi,
      short[] out,
      int to) {
    java.nio.ByteOrder order = java.nio.ByteOrder.nativeOrder();
    int done = channels & ~7;
    for (int c = 0; c < done; c += 8) {
      IntVector b = IntVector.fromArray(I, bias, c);
      LongVector m = LongVector.fromArray(L, multiplier, c),
          s = LongVector.fromArray(L, shift, c),
          h = LongVector.fromArray(L, half, c);
      for (int p = 0, a = from + c, o = to + c; p < positions; p++, a += channels, o += channels) {
        IntVector x = IntVector.fromByteBuffer(I, acc, 4 * a, order).add(b);
        LongVector v = ((LongVector) x.convertShape(VectorOperators.I2L, L, 0)).mul(m);
        store(VectorRequant.round(v, s, h, mode), zeroPoint, lo, hi, out, null, o);
      }
    }
    return done;
  }

  /**
   * A layer's accumulators added into a residual branch, channels-last ({@code AccumulatorAddStep}), as {@link
   * VectorRequant#accumulatorAdd} computes it: {@code clamp(round(((acc + bias[c])·factor[c] + (b − zb)·factorB) /
   * 2^shift) + zeroPoint, lo, hi)}, the branch read at the index written, branch and output each in words or bytes.
   * Returns the channels written in each run (a multiple of eight).
   */
  public static int accumulatorAdd(
      int[] acc,
      int from,
      int positions,
      int channels,
      int[] bias,
      long[] factor,
      short[] wideB,
      byte[] b,
      int maskB,
      int zb,
      long factorB,
      int shift,
      int mode,
      int zeroPoint,
      int lo,
      int hi,
      short[] wideOut,
      byte[] out,
      int to) {
    int done = channels & ~7;
    for (int c = 0; c < done; c += 8) {
      IntVector bc = IntVector.fromArray(I, bias, c);
      LongVector f = LongVector.fromArray(L, factor, c);
      for (int p = 0, a = from + c, o = to + c; p < positions; p++, a += channels, o += channels) {
        IntVector x = IntVector.fromArray(I, acc, a).add(bc);
        LongVector y = lanes(wideB, b, maskB, o).sub(zb);
        LongVector v =
            ((LongVector) x.convertShape(VectorOperators.I2L, L, 0)).mul(f).add(y.mul(factorB));
        store(VectorRequant.round(v, shift, mode), zeroPoint, lo, hi, wideOut, out, o);
      }
    }
    return done;
  }

  /**
   * The residual addition ({@code ResidualStep}), {@code clamp(round(((a−za)·fa + (b−zb)·fb) / 2^shift) + zeroPoint,
   * lo, hi)} element by element over {@code [from, to)}, each tensor in words or bytes. Returns the first element it
   * did not write.
   */
  public static int residual(
      short[] wideA,
      byte[] a,
      int maskA,
      int za,
      long fa,
      short[] wideB,
      byte[] b,
      int maskB,
      int zb,
      long fb,
      int shift,
      int mode,
      int zeroPoint,
      int lo,
      int hi,
      short[] wideOut,
      byte[] out,
      int from,
      int to) {
    int end = from + ((to - from) & ~7);
    for (int i = from; i < end; i += 8) {
      LongVector x = lanes(wideA, a, maskA, i).sub(za);
      LongVector y = lanes(wideB, b, maskB, i).sub(zb);
      store(
          VectorRequant.round(x.mul(fa).add(y.mul(fb)), shift, mode),
          zeroPoint,
          lo,
          hi,
          wideOut,
          out,
          i);
    }
    return end;
  }

  /**
   * One tensor brought to another scale and width ({@code RescaleStep}: the narrow view of the stream a layer reads),
   * {@code clamp(round((x − zx)·multiplier / 2^shift) + zeroPoint, lo, hi)} element by element over {@code [from,
   * to)}. Returns the first element it did not write.
   */
  public static int rescale(
      short[] wideX,
      byte[] x,
      int maskX,
      int zx,
      long multiplier,
      int shift,
      int mode,
      int zeroPoint,
      int lo,
      int hi,
      short[] wideOut,
      byte[] out,
      int from,
      int to) {
    int end = from + ((to - from) & ~7);
    for (int i = from; i < end; i += 8) {
      LongVector v = lanes(wideX, x, maskX, i).sub(zx).mul(multiplier);
      store(VectorRequant.round(v, shift, mode), zeroPoint, lo, hi, wideOut, out, i);
    }
    return end;
  }

  /** Eight codes from {@code at} as 64-bit lanes, from whichever array is given, read through {@code mask}. */
  private static LongVector lanes(short[] wide, byte[] narrow, int mask, int at) {
    LongVector v = wide != null
        ? (LongVector) ShortVector.fromArray(S, wide, at).convertShape(VectorOperators.S2L, L, 0)
        : (LongVector) ByteVector.fromArray(B, narrow, at).convertShape(VectorOperators.B2L, L, 0);
    return v.and(mask);
  }

  /** Zero point, clamp, and eight codes stored from {@code at} into whichever array is given. */
  private static void store(
      LongVector v, int zeroPoint, int lo, int hi, short[] wide, byte[] narrow, int at) {
    LongVector c = v.add(zeroPoint).max(lo).min(hi);
    if (wide != null) ((ShortVector) c.convertShape(VectorOperators.L2S, S, 0)).intoArray(wide, at);
    else ((ByteVector) c.convertShape(VectorOperators.L2B, B, 0)).intoArray(narrow, at);
  }
}
