package bitlab.nn;

import com.sun.jna.Native;
import java.util.function.Supplier;

/**
 * How many OpenMP threads a oneDNN call may use. Every oneDNN primitive opens a parallel region, which
 * costs microseconds on an idle machine and far more on a busy one (threads that sleep at the barrier
 * must be woken and scheduled): on a shared 2-core machine a resnet-mini training step took 500 ms with two
 * threads and 170 ms with one. So, as PyTorch does with its grain size, small work (a weight reorder, a
 * convolution of a few hundred thousand multiply-accumulates) runs on the calling thread alone and only
 * big work is shared; and when the machine is busy (measured: a parallel region of a tiny primitive costs
 * far more than running it alone) all work stays on one thread. The thread count is OpenMP's, set through
 * the one libgomp that ND4J and oneDNN share ({@code omp_set_num_threads}, through JNA); where it cannot be
 * reached every call uses all threads. A primitive is made and run with the same count (some oneDNN kernels
 * fix their threading when made). {@code -Dbitlab.nn.threads=one} or {@code =all} overrides the choice.
 */
final class Threads {
  /** Below this many multiply-accumulates a convolution or linear layer runs on one thread ({@code -Dbitlab.nn.parallelMacs=N}). */
  static long parallelMacs = Long.getLong("bitlab.nn.parallelMacs", 1_000_000);
  /** Below this many elements a memory-bound primitive (reorder, eltwise, pooling, BatchNorm) runs on one thread. */
  static long parallelElements = Long.getLong("bitlab.nn.parallelElements", 100_000);

  private static final boolean AVAILABLE;
  private static final int ALL;

  static {
    boolean ok = false;
    int all = 1;
    try {
      org.nd4j.linalg.factory.Nd4j.create(1); // ND4J loads the libgomp everyone then shares
      String path = org.bytedeco.javacpp.Loader.getLoadedLibraries().get("gomp@.1");
      if (path != null && Dnnl.AVAILABLE) {
        Native.register(Threads.class, path);
        all = omp_get_max_threads();
        ok = all > 1;
      }
    } catch (Throwable t) { // no JNA, another OpenMP: every call keeps all threads
      ok = false;
    }
    AVAILABLE = ok;
    ALL = all;
  }

  private static native int omp_get_max_threads();

  private static native void omp_set_num_threads(int n);

  private Threads() {}

  private static final String POLICY = System.getProperty("bitlab.nn.threads", "measure");
  private static final long REMEASURE_NANOS = 10_000_000_000L;
  private static volatile boolean busy;
  private static volatile long measuredAt = Long.MIN_VALUE / 2;

  /** Whether work of this many multiply-accumulates (or elements) is worth the other threads. */
  static boolean single(long macs) {
    return POLICY.equals("one")
        || PINNED.get()
        || !POLICY.equals("all") && (busy || macs < parallelMacs);
  }

  static boolean singleElements(long elements) {
    return POLICY.equals("one")
        || PINNED.get()
        || !POLICY.equals("all") && (busy || elements < parallelElements);
  }

  static boolean busy() {
    return busy;
  }

  /** Set while {@link #oneThread} runs on this thread. */
  private static final ThreadLocal<Boolean> PINNED = ThreadLocal.withInitial(() -> false);

  /** Whether this thread runs inside {@link #oneThread}: work must give the same bits on every run. */
  static boolean pinned() {
    return PINNED.get();
  }

  /**
   * {@code s} with every primitive it makes (and so runs) on one thread, whatever the load: a reduction
   * split among threads rounds differently with their number, so only this gives the same bits on every run.
   * For the same reason the layouts that are otherwise raced at the first call ({@link Fastest},
   * {@link DnnlWeightGradient}) are taken by a fixed rule inside it.
   */
  static <T> T oneThread(Supplier<T> s) {
    if (PINNED.get()) return s.get();
    PINNED.set(true);
    try {
      return s.get();
    } finally {
      PINNED.set(false);
    }
  }

  /**
   * Measures again (at most every ten seconds) whether the machine is busy: a ReLU over a million floats,
   * made for one thread and for all, run alternately fifteen times; busy if the parallel one is not at
   * least 20% faster (median). On an idle 2-core machine the second thread nearly halves the time; on the
   * shared one, running five other jobs, both took about 120 µs, the parallel one with a tail of
   * milliseconds, which is what makes every parallel region costly there.
   */
  static synchronized void measure() {
    if (!AVAILABLE || !POLICY.equals("measure") || System.nanoTime() - measuredAt < REMEASURE_NANOS)
      return;
    org.bytedeco.dnnl.memory.desc d = Dnnl.desc(new long[] {1 << 20}, false);
    try (org.bytedeco.dnnl.stream s = new org.bytedeco.dnnl.stream(Dnnl.ENGINE);
        org.bytedeco.dnnl.memory m = new org.bytedeco.dnnl.memory(d, Dnnl.ENGINE)) {
      org.bytedeco.dnnl.primitive[] p = new org.bytedeco.dnnl.primitive[2];
      for (int k = 0; k < 2; k++) {
        p[k] = make(
            k == 0,
            () -> new org.bytedeco.dnnl.eltwise_forward(
                new org.bytedeco.dnnl.eltwise_forward.primitive_desc(
                    new org.bytedeco.dnnl.eltwise_forward.desc(
                        org.bytedeco.dnnl.global.dnnl.prop_kind.forward_inference,
                        org.bytedeco.dnnl.global.dnnl.algorithm.eltwise_relu,
                        d,
                        0f,
                        0f),
                    Dnnl.ENGINE)));
      }
      org.bytedeco.dnnl.IntMemoryMap args = new org.bytedeco.dnnl.IntMemoryMap();
      args.put(org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SRC, m);
      args.put(org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DST, m);
      long[][] t = new long[2][15];
      for (int i = 0; i < 15; i++) {
        for (int k = 0; k < 2; k++) {
          int kk = k;
          long t0 = System.nanoTime();
          run(k == 0, () -> p[kk].execute(s, args));
          t[k][i] = System.nanoTime() - t0;
        }
      }
      java.util.Arrays.sort(t[0]);
      java.util.Arrays.sort(t[1]);
      busy = t[1][7] > 0.8 * t[0][7];
      for (org.bytedeco.dnnl.primitive q : p) q.close();
    }
    measuredAt = System.nanoTime();
  }

  /** Runs {@code r} on this thread alone when {@code single}, else with every thread. */
  static void run(boolean single, Runnable r) {
    if (!single || !AVAILABLE) {
      r.run();
      return;
    }
    omp_set_num_threads(1);
    try {
      r.run();
    } finally {
      omp_set_num_threads(ALL);
    }
  }

  /** Makes something (a primitive: some decide their threading when made) as {@link #run} would run it. */
  static <T> T make(boolean single, Supplier<T> s) {
    Object[] out = new Object[1];
    run(single, () -> out[0] = s.get());
    @SuppressWarnings("unchecked")
    T t = (T) out[0];
    return t;
  }
}
