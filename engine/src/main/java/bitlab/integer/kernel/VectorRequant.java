package bitlab.integer.kernel;

import bitlab.cpu.CpuFeatures;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The executor's dyadic rescaling eight values at a time in 64-bit lanes: {@code clamp(round(v·m / 2^s) + z, lo, hi)}
 * with {@code round} in one of the three modes of {@code Dyadic.shiftRound}, computed the same way (add half, or
 * half minus one plus the floor's lowest bit, then an arithmetic shift; half away from zero on the magnitude).
 * It needs AVX-512 (a 64-bit lane multiply, {@code vpmullq}); elsewhere {@link #AVAILABLE} is false and the
 * callers keep their scalar loops, which {@code RequantTest} holds these to, value for value.
 */
public final class VectorRequant {
  private static final VectorSpecies<Integer> I = IntVector.SPECIES_256;
  private static final VectorSpecies<Long> L = LongVector.SPECIES_512;
  private static final VectorSpecies<Byte> B = ByteVector.SPECIES_64;

  /** Rounding modes, as {@code Dyadic.shiftRound} numbers them here. */
  public static final int HALF_EVEN = 0, HALF_UP = 1, HALF_AWAY = 2;

  /** Whether the vector path runs here: the Vector API kernels are on and the CPU has AVX-512 (not forced down). */
  public static final boolean AVAILABLE = VectorSupport.AVAILABLE
      && CpuFeatures.current().isa().ordinal() >= CpuFeatures.Isa.AVX512.ordinal()
      && L.length() == 8;

  private VectorRequant() {}

  /**
   * {@code out[to + i] = clamp(round((acc[from + i] + bias)·multiplier / 2^shift) + zeroPoint, lo, hi)} for the first
   * multiple of eight of the {@code n} values; returns how many it wrote (the caller does the rest).
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
      byte[] out,
      int to) {
    int done = n & ~7;
    for (int i = 0; i < done; i += 8) {
      IntVector a =
          IntVector.fromArray(I, acc, from + i).add(bias); // int addition, as the scalar path's
      LongVector v = (LongVector) a.convertShape(VectorOperators.I2L, L, 0);
      store(round(v.mul(multiplier), shift, mode), zeroPoint, lo, hi, out, to + i);
    }
    return done;
  }

  /**
   * {@link #codes} over channels-last runs: {@code positions} runs of {@code channels} accumulators from {@code from},
   * channel {@code c} with its own {@code bias[c]}, {@code multiplier[c]} and {@code shift[c]}
   * (each at least 1; {@code half[c] = 2^(shift[c]−1)}), written to {@code out} from {@code to} in the same order. Only
   * the first multiple of eight of the channels is written; returns it (the caller does the rest of each run).
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
      byte[] out,
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
        store(round(v, s, h, mode), zeroPoint, lo, hi, out, o);
      }
    }
    return done;
  }

  /**
   * {@link #channelsLast} reading the accumulators where oneDNN wrote them: {@code acc} holds int32 values in native
   * byte order, accumulator {@code i} at byte {@code 4·i}. Saves copying them into a Java array first (a quarter of the
   * pass, {@code ./bitlab bench integer epilogue}).
   */
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
      byte[] out,
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
        store(round(v, s, h, mode), zeroPoint, lo, hi, out, o);
      }
    }
    return done;
  }

  /**
   * A layer's accumulators added into a residual branch, channels-last ({@code AccumulatorAddStep}):
   * {@code clamp(round(((acc + bias[c])·factor[c] + (b − zb)·factorB) / 2^shift) + zeroPoint, lo, hi)} over
   * {@code positions} runs of {@code channels}, the branch's codes {@code b} read at the index written ({@code maskB}:
   * 0xFF for unsigned codes, -1 for signed). Only the first multiple of eight of the channels is written; returns it.
   */
  public static int accumulatorAdd(
      int[] acc,
      int from,
      int positions,
      int channels,
      int[] bias,
      long[] factor,
      byte[] b,
      int maskB,
      int zb,
      long factorB,
      int shift,
      int mode,
      int zeroPoint,
      int lo,
      int hi,
      byte[] out,
      int to) {
    int done = channels & ~7;
    for (int c = 0; c < done; c += 8) {
      IntVector bc = IntVector.fromArray(I, bias, c);
      LongVector f = LongVector.fromArray(L, factor, c);
      for (int p = 0, a = from + c, o = to + c; p < positions; p++, a += channels, o += channels) {
        IntVector x = IntVector.fromArray(I, acc, a).add(bc);
        LongVector y = ((LongVector)
                ByteVector.fromArray(B, b, o).convertShape(VectorOperators.B2L, L, 0))
            .and(maskB)
            .sub(zb);
        LongVector v =
            ((LongVector) x.convertShape(VectorOperators.I2L, L, 0)).mul(f).add(y.mul(factorB));
        store(round(v, shift, mode), zeroPoint, lo, hi, out, o);
      }
    }
    return done;
  }

  /** {@link #round(LongVector, int, int)} with a shift (at least 1) and its half per lane. */
  static LongVector round(LongVector v, LongVector shift, LongVector half, int mode) {
    switch (mode) {
      case HALF_UP:
        return v.add(half).lanewise(VectorOperators.ASHR, shift);
      case HALF_AWAY: {
        LongVector q = v.abs().add(half).lanewise(VectorOperators.ASHR, shift);
        return q.blend(q.neg(), v.lt(0L));
      }
      default:
        return v.add(half.sub(1L))
            .add(v.lanewise(VectorOperators.ASHR, shift).and(1L))
            .lanewise(VectorOperators.ASHR, shift);
    }
  }

  /**
   * The residual addition's codes, {@code clamp(round(((a−za)·fa + (b−zb)·fb) / 2^shift) + zeroPoint, lo, hi)}, for
   * the first multiple of eight of elements {@code [from, to)}; {@code maskA}/{@code maskB} are 0xFF for unsigned
   * codes and -1 for signed. Returns the first element it did not write.
   */
  public static int residual(
      byte[] a,
      int maskA,
      int za,
      long fa,
      byte[] b,
      int maskB,
      int zb,
      long fb,
      int shift,
      int mode,
      int zeroPoint,
      int lo,
      int hi,
      byte[] out,
      int from,
      int to) {
    int end = from + ((to - from) & ~7);
    for (int i = from; i < end; i += 8) {
      LongVector x = ((LongVector)
              ByteVector.fromArray(B, a, i).convertShape(VectorOperators.B2L, L, 0))
          .and(maskA)
          .sub(za);
      LongVector y = ((LongVector)
              ByteVector.fromArray(B, b, i).convertShape(VectorOperators.B2L, L, 0))
          .and(maskB)
          .sub(zb);
      store(round(x.mul(fa).add(y.mul(fb)), shift, mode), zeroPoint, lo, hi, out, i);
    }
    return end;
  }

  private static final VectorSpecies<Float> F = FloatVector.SPECIES_512;
  private static final VectorSpecies<Byte> B16 = ByteVector.SPECIES_128;
  /** Adding it to a float below 2^22 in magnitude rounds it to an integer, half to even, held in the low bits. */
  private static final float FRINT = 0x1.8p23f;

  private static final int FRINT_BITS = Float.floatToRawIntBits(FRINT);
  /** Quotients beyond it give qmin or qmax whatever the rounding and the zero point (8-bit codes). */
  private static final float LIMIT = 65536f;

  /**
   * Input quantization, {@code clamp(round(x / scale) + zeroPoint, qmin, qmax)} with the float32 division of {@code
   * QuantParams.quantize}, for the first multiple of sixteen of elements {@code [from, to)}. Returns the first element
   * it did not write, or -1 if it met a NaN (the caller's scalar loop says where).
   *
   * <p>Sixteen floats a step, rounded in float: the quotient clamped to ±2^16 (beyond, any 8-bit code is qmin or
   * qmax, as the double path gives, infinities included), {@code v + 1.5·2^23} is {@code 1.5·2^23 + rint(v)} exactly
   * (ties to even) and {@code v − rint(v)} is exact, 1/2 only on a tie, which moves the ties of half up and half away
   * by one; so the rounding is {@code QuantParams}' rounding of the same quotient in double.
   */
  public static int quantize(
      float[] x,
      float scale,
      int zeroPoint,
      int qmin,
      int qmax,
      int mode,
      byte[] out,
      int from,
      int to) {
    int end = from + ((to - from) & ~15);
    for (int i = from; i < end; i += 16) {
      ByteVector c = quantize(FloatVector.fromArray(F, x, i), scale, zeroPoint, qmin, qmax, mode);
      if (c == null) return -1;
      c.intoArray(out, i);
    }
    return end;
  }

  /**
   * {@link #quantize(float[], float, int, int, int, int, byte[], int, int)} reading the floats where they are, in
   * native memory ({@code 4·i} for element {@code i}, native byte order): no copy of a batch onto the heap first.
   */
  public static int quantize(
      java.nio.ByteBuffer x,
      float scale,
      int zeroPoint,
      int qmin,
      int qmax,
      int mode,
      byte[] out,
      int from,
      int to) {
    java.nio.ByteOrder order = java.nio.ByteOrder.nativeOrder();
    int end = from + ((to - from) & ~15);
    for (int i = from; i < end; i += 16) {
      ByteVector c = quantize(
          FloatVector.fromByteBuffer(F, x, 4 * i, order), scale, zeroPoint, qmin, qmax, mode);
      if (c == null) return -1;
      c.intoArray(out, i);
    }
    return end;
  }

  /**
   * Sixteen codes, or null for a NaN among the quotients. Only vector operations the JIT compiles to instructions on
   * JDK 17: a float-to-int or int-to-byte {@code convertShape} is not among them (each fell back to objects, 4-6 ns a
   * value against 0.5), so the integer is read from the bits of {@code v + 1.5·2^23} and narrowed by {@code castShape}.
   */
  private static ByteVector quantize(
      FloatVector x, float scale, int zeroPoint, int qmin, int qmax, int mode) {
    FloatVector f = x.div(scale); // float32, as the scalar path divides
    if (f.test(VectorOperators.IS_NAN).anyTrue()) return null;
    // beyond ±2^16 every code is qmin or qmax: clamped there, every step below is exact
    f = f.blend(-LIMIT, f.lt(-LIMIT)).blend(LIMIT, f.compare(VectorOperators.GT, LIMIT));
    FloatVector d; // 1.5·2^23 + round(f)
    if (mode == HALF_AWAY) {
      // on the magnitude, half up, then the sign
      FloatVector a = f.abs(), t = a.add(FRINT);
      t = t.blend(t.add(1f), a.sub(t.sub(FRINT)).eq(0.5f));
      FloatVector r = t.sub(FRINT);
      d = r.blend(r.neg(), f.lt(0f)).add(FRINT);
    } else {
      d = f.add(FRINT); // ties to even
      // half up: f − rint(f) is exact, 1/2 only on a tie that went down
      if (mode == HALF_UP) d = d.blend(d.add(1f), f.sub(d.sub(FRINT)).eq(0.5f));
    }
    IntVector c = d.reinterpretAsInts().sub(FRINT_BITS).add(zeroPoint).max(qmin).min(qmax);
    return (ByteVector) c.castShape(B16, 0);
  }

  static LongVector round(LongVector v, int shift, int mode) {
    if (shift == 0) return v;
    long half = 1L << (shift - 1);
    switch (mode) {
      case HALF_UP:
        return v.add(half).lanewise(VectorOperators.ASHR, shift);
      case HALF_AWAY: {
        LongVector q = v.abs().add(half).lanewise(VectorOperators.ASHR, shift);
        VectorMask<Long> negative = v.lt(0L);
        return q.blend(q.neg(), negative);
      }
      default:
        return v.add(half - 1)
            .add(v.lanewise(VectorOperators.ASHR, shift).and(1L))
            .lanewise(VectorOperators.ASHR, shift);
    }
  }

  private static void store(LongVector v, int zeroPoint, int lo, int hi, byte[] out, int at) {
    LongVector c = v.add(zeroPoint).max(lo).min(hi);
    ((ByteVector) c.convertShape(VectorOperators.L2B, B, 0)).intoArray(out, at);
  }
}
