package bitlab.integer.kernel;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Gets the Vector API code of the integer executor compiled by C2 on a thread of its own, whatever the rate at which
 * a model calls it. Until C2 has compiled a Vector API method it runs in the interpreter or in C1's code, without the
 * vector intrinsics, one object per vector operation: about 2.4 µs a value for the input's quantization. The JIT
 * compiles a method once it has been called often enough (thousands of calls for C2), and a small model calls each
 * method once per batch: on a busy machine its first seconds of calls are so slow that the count is not reached in
 * them, and the calls stay slow. Measured on the shared 2-core machine at a load of 15, before this class:
 * mobilenet-v1-mini's profile at batch 8 after its two seconds of warm-up spent 15.0 of 19.4 ms quantizing 6,272
 * input values (0.016 ms in ONNX Runtime), and {@code -XX:+PrintCompilation} listed {@code VectorRequant::quantize}
 * as never compiled.
 *
 * <p>{@link #start} (the compiler calls it for every integer program) runs each such method on small seeded arrays,
 * in turn, until C2's code serves it (its calls have become fast), at most {@link #MAX_CALLS} calls or
 * {@link #MAX_NANOS}; every result is
 * checked against the scalar definition, so a kernel the JIT miscompiled would show here first ({@link #mismatches}).
 * {@link #await} lets a benchmark or a profile wait for it.
 */
public final class JitWarmup {
  private JitWarmup() {}

  /** Calls of each method at most, and the wall time the whole warm-up may take. */
  static final int MAX_CALLS = 300_000;

  static final long MAX_NANOS = 60_000_000_000L;

  /**
   * Calls of each method at least: past C2's thresholds for a method whose loop runs a few times per call (HotSpot's
   * defaults queue it once it has had 600 calls and 15,000 calls and loop iterations together).
   */
  static final int MIN_CALLS = 5_000;

  private static final CountDownLatch DONE = new CountDownLatch(1);
  private static volatile Thread thread;
  private static volatile int mismatches;
  private static volatile int methods;

  /** Starts the warm-up once per JVM (a no-op after the first call, or where the Vector API kernels do not run). */
  public static void start() {
    if (thread != null) return;
    synchronized (JitWarmup.class) {
      if (thread != null) return;
      if (!VectorSupport.AVAILABLE) {
        thread = Thread.currentThread();
        DONE.countDown();
        return;
      }
      Thread t = new Thread(JitWarmup::run, "bitlab-jit-warmup");
      t.setDaemon(true);
      thread = t;
      t.start();
    }
  }

  /** Waits up to {@code millis} for the warm-up started by {@link #start}; true once it is over (or never started). */
  public static boolean await(long millis) {
    if (thread == null) return true;
    try {
      return DONE.await(millis, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** Results of the warm-up calls that differed from the scalar definition (0 unless a kernel is wrong). */
  static int mismatches() {
    return mismatches;
  }

  /** Methods called at least {@link #MIN_CALLS} times so far. */
  static int methods() {
    return methods;
  }

  private static void run() {
    long end = System.nanoTime() + MAX_NANOS;
    try {
      List<Call> calls = new ArrayList<>();
      if (ConvKernels.vectorRequant()) {
        Requants r = new Requants(new Random(1));
        calls.addAll(List.of(
            r::quantize,
            r::channelsLast,
            r::channelsLastInPlace,
            r::codes,
            r::accumulatorAdd,
            r::residual));
        if (FmaRequant.AVAILABLE) calls.addAll(List.of(c -> r.fma(c, false), c -> r.fma(c, true)));
        // the 16-bit residual stream's (issue 17's default below W8A8)
        WideRequants w = new WideRequants(new Random(4));
        calls.addAll(List.of(
            w::codes,
            w::channelsLast,
            w::channelsLastInPlace,
            w::accumulatorAdd,
            w::residual,
            w::rescale,
            w::max));
      }
      calls.add(linear());
      calls.add(depthwise());
      warm(calls, end);
    } catch (RuntimeException | LinkageError e) {
      mismatches++; // a kernel that fails here fails in the model too, with its own message
    } finally {
      DONE.countDown();
    }
  }

  /** One call of a method on warm-up data; with {@code check}, false when its result differs from the definition. */
  @FunctionalInterface
  interface Call {
    boolean run(boolean check);

    /** A round of {@link #ROUND} calls at most this long is C2's code. */
    default long fastRoundNanos() {
      return FAST_ROUND_NANOS;
    }
  }

  /**
   * Calls every method in turn, in rounds of {@link #ROUND} calls each (every 16th checked), so that none goes a moment
   * without calls (HotSpot drops a queued compilation of a method that was not called for 50 ms), until a round of a
   * method takes at most {@link #FAST_ROUND_NANOS} once it has had {@link #MIN_CALLS} calls: C2's vector code serves it
   * (C1's code and the interpreter run the Vector API an object at a time, several microseconds a call here). At most
   * {@link #MAX_CALLS} calls each, or until {@code end}.
   */
  private static void warm(List<Call> calls, long end) {
    int n = calls.size();
    boolean[] done = new boolean[n];
    int left = n;
    for (int round = 0; left > 0 && round * ROUND < MAX_CALLS && System.nanoTime() < end; round++) {
      for (int m = 0; m < n; m++) {
        if (done[m]) continue;
        long t0 = System.nanoTime();
        for (int i = 0; i < ROUND; i++) if (!calls.get(m).run((i & 15) == 0)) mismatches++;
        long t = System.nanoTime() - t0;
        if ((round + 1) * ROUND == MIN_CALLS) methods++;
        if ((round + 1) * ROUND >= MIN_CALLS && t <= calls.get(m).fastRoundNanos()) {
          done[m] = true;
          left--;
        }
      }
    }
  }

  /** Calls of one method in a row. */
  private static final int ROUND = 100;

  /** A round of C2's code: under 0.3 µs a call of 64 values (measured 2-3 times faster on an idle core). */
  private static final long FAST_ROUND_NANOS = 30_000;

  /** A linear layer on {@link VectorLinearKernel} (the Java kernel every linear layer runs on), against the reference. */
  private static Call linear() {
    // a block of four rows and two single ones: both of the kernel's loops
    ConvGeometry g = ConvGeometry.linear(16, 6);
    Random r = new Random(2);
    byte[] w = new byte[g.weightSize()], x = new byte[2 * g.inputSize()];
    r.nextBytes(w);
    r.nextBytes(x);
    ConvKernel k = ConvKernels.java(g, w, true, 3, 1);
    int[] want = new int[2 * g.outputSize()], got = new int[want.length];
    ConvKernels.reference(g, w, true, 3).accumulate(x, 2, want);
    return check -> {
      k.accumulate(x, 2, got);
      return !check || java.util.Arrays.equals(want, got);
    };
  }

  /**
   * A depthwise 3x3 layer on {@link NhwcDepthwiseKernel} (channels-last codes in and out, sums through an epilogue that
   * keeps their low byte), against the reference's sums. Its calls are heavier than the requantization's: a round of
   * C2's code is under 2 µs a call (about 10 µs interpreted).
   */
  private static Call depthwise() {
    ConvGeometry g = new ConvGeometry(16, 16, 3, 3, 1, 1, 1, 16, 2, 2);
    Random r = new Random(3);
    byte[] w = new byte[g.weightSize()], x = new byte[g.inputSize()];
    r.nextBytes(w);
    r.nextBytes(x);
    NhwcDepthwiseKernel k = new NhwcDepthwiseKernel(g, w, true, 3, 1);
    int[] sums = new int[g.outputSize()];
    ConvKernels.reference(g, w, true, 3).accumulate(x, 1, sums);
    int hw = g.outH() * g.outW(), c = g.outChannels();
    byte[] want = new byte[sums.length], got = new byte[sums.length], nhwc = new byte[x.length];
    for (int ch = 0; ch < c; ch++)
      for (int p = 0; p < hw; p++) {
        want[p * c + ch] = (byte) sums[ch * hw + p];
        nhwc[p * c + ch] = x[ch * hw + p];
      }
    Epilogue lowByte = (channel, acc, from, stride, n, out, to) -> {
      for (int i = 0; i < n; i++) out[to + i] = (byte) acc[from + i * stride];
    };
    return new Call() {
      @Override
      public boolean run(boolean check) {
        k.requantizeNhwc(nhwc, true, 1, lowByte, got);
        return !check || java.util.Arrays.equals(want, got);
      }

      @Override
      public long fastRoundNanos() {
        return 200_000;
      }
    };
  }
}
