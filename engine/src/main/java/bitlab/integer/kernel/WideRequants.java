package bitlab.integer.kernel;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.Random;

/**
 * {@link WideRequant}'s and {@link WideMax}'s methods (the 16-bit residual stream's) on small seeded arrays for {@link
 * JitWarmup}, as {@link Requants} does for {@link VectorRequant}: through method handles, each call checked against
 * the scalar formula (half-even rounding) when asked to. A small model with a 16-bit stream calls each once per
 * batch, too rarely to get them compiled by C2 on a busy machine.
 */
final class WideRequants {
  /** codes, channelsLast, channelsLast from native memory, accumulatorAdd, residual, rescale, max. */
  private static final MethodHandle[] HANDLES = handles();

  private static MethodHandle[] handles() {
    MethodHandles.Lookup l = MethodHandles.lookup();
    Class<?> v = WideRequant.class;
    Class<?> i = int.class, lg = long.class, ia = int[].class, la = long[].class;
    Class<?> ba = byte[].class, sa = short[].class;
    try {
      return new MethodHandle[] {
        l.findStatic(v, "codes", MethodType.methodType(i, ia, i, i, i, lg, i, i, i, i, i, sa, i)),
        l.findStatic(
            v,
            "channelsLast",
            MethodType.methodType(i, ia, i, i, i, ia, la, la, la, i, i, i, i, sa, i)),
        l.findStatic(
            v,
            "channelsLast",
            MethodType.methodType(
                i, java.nio.ByteBuffer.class, i, i, i, ia, la, la, la, i, i, i, i, sa, i)),
        l.findStatic(
            v,
            "accumulatorAdd",
            MethodType.methodType(
                i, ia, i, i, i, ia, la, sa, ba, i, i, lg, i, i, i, i, i, sa, ba, i)),
        l.findStatic(
            v,
            "residual",
            MethodType.methodType(
                i, sa, ba, i, i, lg, sa, ba, i, i, lg, i, i, i, i, i, sa, ba, i, i)),
        l.findStatic(
            v, "rescale", MethodType.methodType(i, sa, ba, i, i, lg, i, i, i, i, i, sa, ba, i, i)),
        l.findStatic(
            WideMax.class, "max", MethodType.methodType(i, sa, ia, i, i, boolean.class, sa, i))
      };
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(e);
    }
  }

  private static RuntimeException rethrow(Throwable t) {
    if (t instanceof RuntimeException r) return r;
    if (t instanceof Error e) throw e;
    return new IllegalStateException(t);
  }

  private static final int N = 64, CHANNELS = 16;
  private static final int HALF_EVEN = VectorRequant.HALF_EVEN;

  private final int[] acc = new int[N], bias = new int[CHANNELS];
  private final long[] m = new long[CHANNELS],
      shift = new long[CHANNELS],
      half = new long[CHANNELS];
  private final short[] a = new short[N], b = new short[N], out = new short[N];
  private final byte[] narrow = new byte[N];
  private final java.nio.ByteBuffer nat =
      java.nio.ByteBuffer.allocateDirect(4 * N).order(java.nio.ByteOrder.nativeOrder());
  /** Four taps of {@link #MAX_CHANNELS} codes for the maxima: a whole 512-bit vector of words and a second one. */
  private static final int MAX_CHANNELS = 64;

  private final int[] taps = {0, MAX_CHANNELS, 2 * MAX_CHANNELS, 3 * MAX_CHANNELS};
  private final short[] maxIn = new short[4 * MAX_CHANNELS], maxOut = new short[MAX_CHANNELS];

  WideRequants(Random r) {
    for (int i = 0; i < N; i++) {
      acc[i] = r.nextInt(1 << 20) - (1 << 19);
      a[i] = (short) r.nextInt(1 << 16);
      b[i] = (short) r.nextInt(1 << 16);
    }
    nat.asIntBuffer().put(acc);
    for (int i = 0; i < maxIn.length; i++) maxIn[i] = (short) r.nextInt(1 << 16);
    for (int c = 0; c < CHANNELS; c++) {
      bias[c] = r.nextInt(2001) - 1000;
      m[c] = (1L << 29) + r.nextInt(1 << 29);
      shift[c] = 28 + r.nextInt(4);
      half[c] = 1L << (shift[c] - 1);
    }
  }

  /** {@code round(v / 2^s)}, half to even, as {@code Dyadic.shiftRound}. */
  private static long round(long v, long s) {
    return (v + (1L << (s - 1)) - 1 + ((v >> s) & 1)) >> s;
  }

  private static long clamp(long v, long lo, long hi) {
    return Math.max(lo, Math.min(hi, v));
  }

  boolean codes(boolean check) {
    int done;
    try {
      done = (int) HANDLES[0].invokeExact(
          acc, 0, N, bias[1], m[1], (int) shift[1], HALF_EVEN, -2, -32768, 32767, out, 0);
    } catch (Throwable t) {
      throw rethrow(t);
    }
    if (!check) return true;
    for (int i = 0; i < N; i++) {
      long v = (long) (acc[i] + bias[1]) * m[1];
      if ((short) clamp(round(v, shift[1]) - 2, -32768, 32767) != out[i]) return false;
    }
    return done == N;
  }

  boolean channelsLast(boolean check) {
    return channelsLast(check, false);
  }

  /** {@link #channelsLast} on the same sums in native memory. */
  boolean channelsLastInPlace(boolean check) {
    return channelsLast(check, true);
  }

  private boolean channelsLast(boolean check, boolean inPlace) {
    int positions = N / CHANNELS, done;
    try {
      done = inPlace
          ? (int) HANDLES[2].invokeExact(
              nat, 0, positions, CHANNELS, bias, m, shift, half, HALF_EVEN, 5, 0, 65535, out, 0)
          : (int) HANDLES[1].invokeExact(
              acc, 0, positions, CHANNELS, bias, m, shift, half, HALF_EVEN, 5, 0, 65535, out, 0);
    } catch (Throwable t) {
      throw rethrow(t);
    }
    if (!check) return true;
    for (int i = 0; i < N; i++) {
      int c = i % CHANNELS;
      long v = (long) (acc[i] + bias[c]) * m[c];
      if ((short) clamp(round(v, shift[c]) + 5, 0, 65535) != out[i]) return false;
    }
    return done == CHANNELS;
  }

  /** A layer added into a 16-bit unsigned branch, written as 16-bit codes (the stream's Conv+Add+ReLU). */
  boolean accumulatorAdd(boolean check) {
    int s = 40;
    long fb = 1L << 30;
    int done;
    try {
      done = (int) HANDLES[3].invokeExact(
          acc,
          0,
          N / CHANNELS,
          CHANNELS,
          bias,
          m,
          b,
          (byte[]) null,
          0xFFFF,
          7,
          fb,
          s,
          HALF_EVEN,
          1,
          0,
          65535,
          out,
          (byte[]) null,
          0);
    } catch (Throwable t) {
      throw rethrow(t);
    }
    if (!check) return true;
    for (int i = 0; i < N; i++) {
      int c = i % CHANNELS;
      long v = (long) (acc[i] + bias[c]) * m[c] + ((b[i] & 0xFFFF) - 7) * fb;
      if ((short) clamp(round(v, s) + 1, 0, 65535) != out[i]) return false;
    }
    return done == CHANNELS;
  }

  /** Two 16-bit branches, unsigned and signed, into 16-bit codes. */
  boolean residual(boolean check) {
    long fa = 3L << 28, fb = 5L << 27;
    int end;
    try {
      end = (int) HANDLES[4].invokeExact(
          a,
          (byte[]) null,
          0xFFFF,
          2,
          fa,
          b,
          (byte[]) null,
          -1,
          -1,
          fb,
          30,
          HALF_EVEN,
          0,
          -32768,
          32767,
          out,
          (byte[]) null,
          0,
          N);
    } catch (Throwable t) {
      throw rethrow(t);
    }
    if (!check) return true;
    for (int i = 0; i < N; i++) {
      long v = ((a[i] & 0xFFFF) - 2) * fa + (b[i] + 1) * fb;
      if ((short) clamp(round(v, 30), -32768, 32767) != out[i]) return false;
    }
    return end == N;
  }

  /** The stream's narrow view: 16-bit unsigned codes to 4-bit ones. */
  boolean rescale(boolean check) {
    long mult = 1L << 29;
    int end;
    try {
      end = (int) HANDLES[5].invokeExact(
          a, (byte[]) null, 0xFFFF, 3, mult, 41, HALF_EVEN, 0, 0, 15, (short[]) null, narrow, 0, N);
    } catch (Throwable t) {
      throw rethrow(t);
    }
    if (!check) return true;
    for (int i = 0; i < N; i++) {
      long v = ((a[i] & 0xFFFF) - 3) * mult;
      if ((byte) clamp(round(v, 41), 0, 15) != narrow[i]) return false;
    }
    return end == N;
  }

  /** Maxima of four taps of unsigned 16-bit codes, channel by channel. */
  boolean max(boolean check) {
    int done;
    try {
      done = (int) HANDLES[6].invokeExact(maxIn, taps, 4, MAX_CHANNELS, true, maxOut, 0);
    } catch (Throwable t) {
      throw rethrow(t);
    }
    if (!check) return true;
    for (int c = 0; c < done; c++) {
      int best = 0;
      for (int t : taps) best = Math.max(best, maxIn[t + c] & 0xFFFF);
      if ((short) best != maxOut[c]) return false;
    }
    return done == MAX_CHANNELS;
  }
}
