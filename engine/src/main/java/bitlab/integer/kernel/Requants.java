package bitlab.integer.kernel;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.Random;

/**
 * {@link VectorRequant}'s methods on small seeded arrays for {@link JitWarmup}, each call checked against the scalar
 * formula its documentation gives (half-even rounding, {@code Dyadic.shiftRound}'s arithmetic) when asked to.
 *
 * <p>The calls go through method handles read from an array, which C2 cannot see through: called directly, each method
 * would be inlined into this class's compiled code and never compiled on its own, and the executor, whose callers are
 * not hot enough to be compiled, calls it on its own.
 */
final class Requants {
  /**
   * quantize, channelsLast, codes, accumulatorAdd, residual, channelsLast from native memory, then {@link FmaRequant}'s
   * channelsLast from an array and from native memory; an array's elements are not constants to C2.
   */
  private static final MethodHandle[] HANDLES = handles();

  private static MethodHandle[] handles() {
    MethodHandles.Lookup l = MethodHandles.lookup();
    Class<?> v = VectorRequant.class;
    Class<?> i = int.class, lg = long.class, ia = int[].class, la = long[].class, ba = byte[].class;
    Class<?> da = double[].class;
    try {
      return new MethodHandle[] {
        l.findStatic(
            v,
            "quantize",
            MethodType.methodType(i, float[].class, float.class, i, i, i, i, ba, i, i)),
        l.findStatic(
            v,
            "channelsLast",
            MethodType.methodType(i, ia, i, i, i, ia, la, la, la, i, i, i, i, ba, i)),
        l.findStatic(v, "codes", MethodType.methodType(i, ia, i, i, i, lg, i, i, i, i, i, ba, i)),
        l.findStatic(
            v,
            "accumulatorAdd",
            MethodType.methodType(i, ia, i, i, i, ia, la, ba, i, i, lg, i, i, i, i, i, ba, i)),
        l.findStatic(
            v,
            "residual",
            MethodType.methodType(i, ba, i, i, lg, ba, i, i, lg, i, i, i, i, i, ba, i, i)),
        l.findStatic(
            v,
            "channelsLast",
            MethodType.methodType(
                i, java.nio.ByteBuffer.class, i, i, i, ia, la, la, la, i, i, i, i, ba, i)),
        l.findStatic(
            FmaRequant.class,
            "channelsLast",
            MethodType.methodType(i, ia, i, i, i, ia, da, i, i, i, i, ba, i)),
        l.findStatic(
            FmaRequant.class,
            "channelsLast",
            MethodType.methodType(i, java.nio.ByteBuffer.class, i, i, i, ia, da, i, i, i, i, ba, i))
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

  private final float[] x = new float[N];
  private final int[] acc = new int[N], bias = new int[CHANNELS];
  private final long[] m = new long[CHANNELS],
      shift = new long[CHANNELS],
      half = new long[CHANNELS];
  private final double[] scale;
  private final byte[] a = new byte[N], b = new byte[N], out = new byte[N];
  private final java.nio.ByteBuffer nat =
      java.nio.ByteBuffer.allocateDirect(4 * N).order(java.nio.ByteOrder.nativeOrder());

  Requants(Random r) {
    for (int i = 0; i < N; i++) {
      x[i] = (float) r.nextGaussian() * 40;
      acc[i] = r.nextInt(1 << 16) - (1 << 15);
    }
    nat.asIntBuffer().put(acc);
    r.nextBytes(a);
    r.nextBytes(b);
    for (int c = 0; c < CHANNELS; c++) {
      bias[c] = r.nextInt(2001) - 1000;
      m[c] = (1L << 29) + r.nextInt(1 << 29);
      shift[c] = 36 + r.nextInt(4);
      half[c] = 1L << (shift[c] - 1);
    }
    scale = FmaRequant.scales(m, shift);
  }

  /** {@code round(v / 2^s)}, half to even, as {@code Dyadic.shiftRound}. */
  private static long round(long v, long s) {
    return (v + (1L << (s - 1)) - 1 + ((v >> s) & 1)) >> s;
  }

  private static boolean same(long want, byte got) {
    return (byte) want == got;
  }

  boolean quantize(boolean check) {
    int done;
    try {
      done =
          (int) HANDLES[0].invokeExact(x, 0.25f, 3, -128, 127, VectorRequant.HALF_EVEN, out, 0, N);
    } catch (Throwable t) {
      throw rethrow(t);
    }
    if (!check) return true;
    for (int i = 0; i < done; i++) {
      double d = Math.max(-1e6, Math.min(1e6, x[i] / 0.25f));
      if (!same(Math.max(-128, Math.min(127, (long) Math.rint(d) + 3)), out[i])) return false;
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

  /** {@link FmaRequant}'s channelsLast on the same sums, from an array or in native memory. */
  boolean fma(boolean check, boolean inPlace) {
    return channelsLast(check, inPlace, true);
  }

  private boolean channelsLast(boolean check, boolean inPlace) {
    return channelsLast(check, inPlace, false);
  }

  private boolean channelsLast(boolean check, boolean inPlace, boolean fma) {
    int positions = N / CHANNELS, mode = VectorRequant.HALF_EVEN, done;
    try {
      done = fma
          ? inPlace
              ? (int) HANDLES[7].invokeExact(
                  nat, 0, positions, CHANNELS, bias, scale, mode, 5, 0, 255, out, 0)
              : (int) HANDLES[6].invokeExact(
                  acc, 0, positions, CHANNELS, bias, scale, mode, 5, 0, 255, out, 0)
          : inPlace
              ? (int) HANDLES[5].invokeExact(
                  nat, 0, positions, CHANNELS, bias, m, shift, half, mode, 5, 0, 255, out, 0)
              : (int) HANDLES[1].invokeExact(
                  acc, 0, positions, CHANNELS, bias, m, shift, half, mode, 5, 0, 255, out, 0);
    } catch (Throwable t) {
      throw rethrow(t);
    }
    if (!check) return true;
    for (int i = 0; i < N; i++) {
      int c = i % CHANNELS;
      long v = (long) (acc[i] + bias[c]) * m[c];
      if (!same(Math.max(0, Math.min(255, round(v, shift[c]) + 5)), out[i])) return false;
    }
    return done == CHANNELS;
  }

  boolean codes(boolean check) {
    int done;
    try {
      done = (int) HANDLES[2].invokeExact(
          acc, 0, N, bias[1], m[1], (int) shift[1], VectorRequant.HALF_EVEN, -2, -128, 127, out, 0);
    } catch (Throwable t) {
      throw rethrow(t);
    }
    if (!check) return true;
    for (int i = 0; i < N; i++) {
      long v = (long) (acc[i] + bias[1]) * m[1];
      if (!same(Math.max(-128, Math.min(127, round(v, shift[1]) - 2)), out[i])) return false;
    }
    return done == N;
  }

  boolean accumulatorAdd(boolean check) {
    int s = 40;
    long fb = 1L << 36;
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
          0xFF,
          7,
          fb,
          s,
          VectorRequant.HALF_EVEN,
          1,
          0,
          255,
          out,
          0);
    } catch (Throwable t) {
      throw rethrow(t);
    }
    if (!check) return true;
    for (int i = 0; i < N; i++) {
      int c = i % CHANNELS;
      long v = (long) (acc[i] + bias[c]) * m[c] + ((b[i] & 0xFF) - 7) * fb;
      if (!same(Math.max(0, Math.min(255, round(v, s) + 1)), out[i])) return false;
    }
    return done == CHANNELS;
  }

  boolean residual(boolean check) {
    long fa = 3L << 28, fb = 5L << 27;
    int end;
    try {
      end = (int) HANDLES[4].invokeExact(
          a, 0xFF, 2, fa, b, -1, -1, fb, 30, VectorRequant.HALF_EVEN, 0, -128, 127, out, 0, N);
    } catch (Throwable t) {
      throw rethrow(t);
    }
    if (!check) return true;
    for (int i = 0; i < N; i++) {
      long v = ((a[i] & 0xFF) - 2) * fa + (b[i] + 1) * fb;
      if (!same(Math.max(-128, Math.min(127, round(v, 30))), out[i])) return false;
    }
    return end == N;
  }
}
