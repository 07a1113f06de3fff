package bitlab.integer.kernel;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The channels-last requantization of {@link VectorRequant#channelsLast}, {@code clamp(round((acc + bias_c)·m_c /
 * 2^s_c) + z, lo, hi)}, with one fused multiply-add of doubles in place of the 64-bit product and the shifts: exact, and
 * about half the instructions ({@code vpmullq} alone is three).
 *
 * <p>Why it is exact. {@code M = m / 2^s} is a double exactly (31 bits). A fused multiply-add rounds once, the exact
 * {@code v·M + C}; with {@code C = 1.5·2^52} the result lies in {@code [2^52, 2^53)}, where doubles are the integers,
 * so it is {@code C + rint(v·M)} with ties to even ({@code C} is even): {@code Dyadic.shiftRound}'s half-even rounding,
 * whatever the product's width. The zero point is added after (an odd one added inside would turn the ties the other
 * way), on the double's bits, as is the clamp. That needs {@code |v·M| + 2^9 < 2^51} for every int32 {@code v}, so {@code M < 2^20} ({@link #fits}).
 * Half up and half away differ from it on ties only: a second fused multiply-add gives the exact remainder
 * {@code e = v·M − r} (a multiple of {@code 2^-s} of magnitude at most 1/2, exact while {@code s <= 53}), and a tie
 * ({@code e = ±1/2}) that went the wrong way moves by one. The clamp runs on the double's bits; the code is the low byte of
 * the double's bits ({@code C}'s low bits are zero).
 */
public final class FmaRequant {
  private static final VectorSpecies<Integer> I = IntVector.SPECIES_256;
  private static final VectorSpecies<Double> D = DoubleVector.SPECIES_512;
  private static final VectorSpecies<Byte> B = ByteVector.SPECIES_64;
  private static final VectorSpecies<Long> L = LongVector.SPECIES_512;

  /** Adding it to a double of magnitude below 2^51 rounds it to an integer, half to even. */
  static final double MAGIC = 0x1.8p52;

  private static final long MAGIC_BITS = Double.doubleToRawLongBits(MAGIC);

  /** Whether this path runs here: where {@link VectorRequant}'s does (AVX-512, which has the fused multiply-add). */
  public static final boolean AVAILABLE = VectorRequant.AVAILABLE && D.length() == 8;

  /** Which lanes the channels-last requantization uses ({@code -Dbitlab.kernel.requant=fma|long}, for benchmarks). */
  public enum Lanes {
    /** This class's, where {@link #AVAILABLE} and the multipliers {@link #fits}. */
    FMA,
    /** {@link VectorRequant}'s 64-bit products. */
    LONG
  }

  /** Whether layers compiled from now on use this path where it fits (the property, else yes; {@link #use} sets it). */
  public static boolean on() {
    return lanes == Lanes.FMA && AVAILABLE;
  }

  private static volatile Lanes lanes = Settings.choice("bitlab.kernel.requant", Lanes.FMA);

  /** Sets the lanes of the layers compiled from now on (the bench compares the two in one process). */
  public static void use(Lanes l) {
    lanes = java.util.Objects.requireNonNull(l);
  }

  private FmaRequant() {}

  /** Whether a multiplier {@code m / 2^shift} is exact here in {@code mode}: {@code M < 2^20}, and {@code shift <= 53} unless half even. */
  public static boolean fits(long m, int shift, int mode) {
    double scale = Math.scalb((double) m, -shift);
    return m >= 0
        && m < (1L << 31)
        && scale * 0x1p31 + 1024 < 0x1p51
        && (mode == VectorRequant.HALF_EVEN || shift <= 53);
  }

  /** {@code m / 2^shift} per channel, for {@link #channelsLast}. */
  public static double[] scales(long[] m, long[] shift) {
    double[] out = new double[m.length];
    for (int c = 0; c < m.length; c++) out[c] = Math.scalb((double) m[c], (int) -shift[c]);
    return out;
  }

  /**
   * {@link VectorRequant#channelsLast(int[], int, int, int, int[], long[], long[], long[], int, int, int, int, byte[],
   * int)} with {@code scale[c] = m_c / 2^s_c} (each {@link #fits}); the first multiple of eight of the channels is
   * written, and returned.
   */
  public static int channelsLast(
      int[] acc,
      int from,
      int positions,
      int channels,
      int[] bias,
      double[] scale,
      int mode,
      int zeroPoint,
      int lo,
      int hi,
      byte[] out,
      int to) {
    if (channels < 8)
      return narrow(
          acc, null, from, positions, channels, bias, scale, mode, zeroPoint, lo, hi, out, to);
    int done = channels & ~7;
    long z = zeroPoint, min = MAGIC_BITS + lo, max = MAGIC_BITS + hi;
    for (int c = 0; c < done; c += 8) {
      IntVector b = IntVector.fromArray(I, bias, c);
      DoubleVector m = DoubleVector.fromArray(D, scale, c);
      for (int p = 0, a = from + c, o = to + c; p < positions; p++, a += channels, o += channels) {
        IntVector x = IntVector.fromArray(I, acc, a).add(b); // int addition, as the scalar path's
        store(code(x, m, mode), z, min, max, out, o);
      }
    }
    return done;
  }

  /** {@link #channelsLast(int[], int, int, int, int[], double[], int, int, int, int, byte[], int)} on int32 sums in native memory ({@code 4·i} for sum {@code i}). */
  public static int channelsLast(
      java.nio.ByteBuffer acc,
      int from,
      int positions,
      int channels,
      int[] bias,
      double[] scale,
      int mode,
      int zeroPoint,
      int lo,
      int hi,
      byte[] out,
      int to) {
    if (channels < 8)
      return narrow(
          null, acc, from, positions, channels, bias, scale, mode, zeroPoint, lo, hi, out, to);
    java.nio.ByteOrder order = java.nio.ByteOrder.nativeOrder();
    int done = channels & ~7;
    long z = zeroPoint, min = MAGIC_BITS + lo, max = MAGIC_BITS + hi;
    for (int c = 0; c < done; c += 8) {
      IntVector b = IntVector.fromArray(I, bias, c);
      DoubleVector m = DoubleVector.fromArray(D, scale, c);
      for (int p = 0, a = from + c, o = to + c; p < positions; p++, a += channels, o += channels) {
        IntVector x = IntVector.fromByteBuffer(I, acc, 4 * a, order).add(b);
        store(code(x, m, mode), z, min, max, out, o);
      }
    }
    return done;
  }

  /**
   * Fewer than eight channels (lenet5's first layer has six): eight channels a vector would leave every value to the
   * caller's scalar loop (0.14 ms of that layer's 0.20 at batch 8), so the positions are read as one run of values,
   * {@code acc[from + i]} of channel {@code i % channels}, eight at a time, each lane with its channel's bias and
   * multiplier from a table that repeats the channels; a run that is not a multiple of eight ends with the last eight
   * values again (the same codes written twice). The arithmetic of each value is the wide path's. Sums from {@code
   * acc}, or else from {@code nat} (native memory); returns {@code channels}, or 0 (nothing written) for fewer than
   * eight values.
   */
  private static int narrow(
      int[] acc,
      java.nio.ByteBuffer nat,
      int from,
      int positions,
      int channels,
      int[] bias,
      double[] scale,
      int mode,
      int zeroPoint,
      int lo,
      int hi,
      byte[] out,
      int to) {
    int n = positions * channels;
    if (n < 8) return 0;
    // lanes k of the tables hold channel k % channels: 8 + the period of channels in eights,
    // so that eight lanes can start at any channel
    int period = channels / gcd(channels, 8) * 8;
    int[] b = new int[period + 8];
    double[] m = new double[period + 8];
    for (int k = 0; k < b.length; k++) {
      b[k] = bias[k % channels];
      m[k] = scale[k % channels];
    }
    java.nio.ByteOrder order = java.nio.ByteOrder.nativeOrder();
    long z = zeroPoint, min = MAGIC_BITS + lo, max = MAGIC_BITS + hi;
    for (int i = 0, t = 0; ; i += 8, t = t + 8 == period ? 0 : t + 8) {
      if (i > n - 8) {
        if (i == n) break;
        i = n - 8; // the last eight, from whatever channel they start at
        t = i % channels;
      }
      IntVector x = acc != null
          ? IntVector.fromArray(I, acc, from + i)
          : IntVector.fromByteBuffer(I, nat, 4 * (from + i), order);
      x = x.add(IntVector.fromArray(I, b, t));
      store(code(x, DoubleVector.fromArray(D, m, t), mode), z, min, max, out, to + i);
      if (i == n - 8) break;
    }
    return channels;
  }

  private static int gcd(int a, int b) {
    return b == 0 ? a : gcd(b, a % b);
  }

  /** {@code C + round(v·M)} in the rounding {@code mode} (see the class comment). */
  private static DoubleVector code(IntVector x, DoubleVector m, int mode) {
    DoubleVector v = (DoubleVector) x.convertShape(VectorOperators.I2D, D, 0);
    DoubleVector d = v.fma(m, DoubleVector.broadcast(D, MAGIC));
    if (mode == VectorRequant.HALF_EVEN) return d;
    DoubleVector r = d.sub(MAGIC); // rint(v·M), exactly
    DoubleVector e = v.fma(m, r.neg()); // v·M − r, exactly
    VectorMask<Double> up = e.eq(0.5), down = e.eq(-0.5);
    if (mode == VectorRequant.HALF_AWAY) {
      up = up.and(r.compare(VectorOperators.GE, 0.0));
      down = down.and(r.compare(VectorOperators.LE, 0.0));
      return d.add(1.0, up).sub(1.0, down);
    }
    return d.add(1.0, up); // HALF_UP: a tie rounded to even below goes up
  }

  /**
   * The zero point and the clamp on the double's bits, {@code MAGIC_BITS + k} for the integer {@code k} (a long's
   * max and min are one instruction each; a double's, with Java's rules for NaN and -0, several).
   */
  private static void store(DoubleVector d, long z, long min, long max, byte[] out, int at) {
    LongVector bits = d.reinterpretAsLongs();
    // most layers' zero point is 0 (ReLU outputs): skipping the add was 0.166 -> 0.149 ns a sum at
    // 96 channels
    if (z != 0) bits = bits.add(z);
    bits = bits.max(min).min(max);
    ((ByteVector) bits.convertShape(VectorOperators.L2B, B, 0)).intoArray(out, at);
  }
}
