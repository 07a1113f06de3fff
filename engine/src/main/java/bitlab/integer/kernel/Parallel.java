package bitlab.integer.kernel;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntConsumer;

/**
 * Runs the items of one kernel call on several cores: the caller works too, and helpers pull item
 * indices from a shared counter, so uneven items balance themselves. The caller waits for the
 * items, not for the helpers: on a busy machine a helper that is scheduled late finds no work
 * left and costs nothing.
 */
public final class Parallel {
  private static final AtomicInteger THREAD_NUMBER = new AtomicInteger();
  private static final ExecutorService POOL = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "bitlab-kernel-" + THREAD_NUMBER.incrementAndGet());
    t.setDaemon(true);
    return t;
  });

  private Parallel() {}

  /** The cores a kernel uses unless told otherwise: {@code -Dbitlab.kernel.threads=N}, else all of them. */
  public static int defaultThreads() {
    int n = Integer.getInteger("bitlab.kernel.threads", Runtime.getRuntime().availableProcessors());
    return Math.max(1, n);
  }

  /**
   * Multiply-accumulates below which a kernel call stays on the calling thread (default 250,000, about
   * 15 µs of work for one core here; {@code -Dbitlab.kernel.minParallelMacs=N}): handing a helper less
   * than that costs more than it saves, and on a busy machine the caller can wait a whole time slice
   * for a helper that took an item. Tests set it to 0 to run the parallel paths on small shapes.
   */
  private static volatile long minParallelMacs =
      Long.getLong("bitlab.kernel.minParallelMacs", 250_000L);

  /** The current threshold of {@link #threadsFor}. */
  public static long minParallelMacs() {
    return minParallelMacs;
  }

  /** Sets the threshold of {@link #threadsFor} for the whole JVM (benchmarks and tests compare settings). */
  public static void minParallelMacs(long macs) {
    if (macs < 0)
      throw new IllegalArgumentException(
          "A threshold of multiply-accumulates must not be negative, got " + macs + ".");
    minParallelMacs = macs;
  }

  /** The threads a kernel call of {@code macs} multiply-accumulates uses: {@code threads}, or 1 below {@link #minParallelMacs} or while {@link #busy}. */
  static int threadsFor(long macs, int threads) {
    return macs < minParallelMacs || busy() ? 1 : threads;
  }

  /** When the kernels ask helper threads: while the machine is not busy (measured), always, or never. */
  public enum Helpers {
    MEASURE,
    ALWAYS,
    NEVER
  }

  /** {@code -Dbitlab.kernel.helpers=measure|always|never}; an unknown value is taken as {@code measure}. */
  private static volatile Helpers helpers =
      Settings.choice("bitlab.kernel.helpers", Helpers.MEASURE);

  private static final long RECHECK_NANOS = 5_000_000_000L;
  private static volatile boolean busy;
  private static volatile long checkedAt = Long.MIN_VALUE / 2;
  private static volatile long sink;
  private static volatile long measurements;

  /**
   * How many times {@link #busy} has measured the machine: a layer that chose per call whether to split while the
   * machine is busy ({@code DnnlPlan}) chooses again when this moves, so its choice follows the load.
   */
  static long measurements() {
    return measurements;
  }

  /**
   * Sets when helpers are asked, for the whole JVM (benchmarks compare the settings; tests take the one-piece paths).
   * A measurement of the machine younger than five seconds stands (benchmarks switch call by call).
   */
  public static void helpers(Helpers h) {
    helpers = java.util.Objects.requireNonNull(h);
  }

  /** Whether helper threads are off ({@link Helpers#NEVER}). */
  static boolean helpersOff() {
    return helpers == Helpers.NEVER;
  }

  /**
   * Whether the machine is too busy now for a helper thread to pay: measured at most every five seconds by running
   * the same work (about 0.15 ms for one core) alone and split in two with a helper, seven times each, alternating;
   * busy unless the split is at least 20% faster. On a machine whose cores other processes crowd, a helper that
   * took its item may not be scheduled for a time slice, and the caller waits for it: measured on the shared
   * 2-core machine at a load of about 15, lenet5 at batch 8 took 8.6 ms with its layers split and 2.6 ms with each
   * on the calling thread. Then every Java kernel call and element-wise pass stays on the calling thread, and each
   * oneDNN layer runs in pieces or as one as its own timing of the two finds faster ({@code SplitChoice}). Always busy with {@link Helpers#NEVER}; never with
   * {@link Helpers#ALWAYS}, with one core, or while {@link #minParallelMacs} is 0 (tests that run the parallel paths on
   * small shapes).
   */
  public static boolean busy() {
    Helpers h = helpers;
    if (h == Helpers.NEVER) return true;
    if (h == Helpers.ALWAYS || minParallelMacs == 0 || defaultThreads() < 2) return false;
    if (System.nanoTime() - checkedAt < RECHECK_NANOS) return busy;
    synchronized (Parallel.class) {
      if (System.nanoTime() - checkedAt >= RECHECK_NANOS) {
        busy = measureBusy();
        checkedAt = System.nanoTime();
        measurements++;
      }
    }
    return busy;
  }

  private static boolean measureBusy() {
    int rounds = 7;
    long[] alone = new long[rounds], split = new long[rounds];
    for (int r = 0; r < rounds; r++) {
      long t0 = System.nanoTime();
      run(2, 1, Parallel::probe);
      long t1 = System.nanoTime();
      run(2, 2, Parallel::probe);
      alone[r] = t1 - t0;
      split[r] = System.nanoTime() - t1;
    }
    java.util.Arrays.sort(alone);
    java.util.Arrays.sort(split);
    return split[rounds / 2] > 0.8 * alone[rounds / 2];
  }

  /** Half of the measurement's work: a chain of multiply-adds the JIT cannot shorten. */
  private static void probe(int half) {
    long h = half + 1;
    for (int i = 0; i < 50_000; i++) h = h * 6364136223846793005L + i;
    sink += h;
  }

  /** A contiguous share of an element-wise pass: elements {@code [from, to)}. */
  @FunctionalInterface
  public interface Range {
    void accept(int from, int to);
  }

  /**
   * Calls {@code body} on consecutive ranges covering {@code [0, n)}, in parallel on up to {@code threads}
   * threads, each range at least {@code grain} elements (except the last): below that, handing work to a
   * helper costs more than the helper saves.
   */
  public static void ranges(int n, int grain, int threads, Range body) {
    if (grain < 1)
      throw new IllegalArgumentException("A grain must be at least 1, not " + grain + ".");
    int tasks = (int) Math.min(4L * threads, Math.max(1, n / grain));
    if (tasks <= 1 || threads <= 1 || busy()) {
      if (n > 0) body.accept(0, n);
      return;
    }
    int per = (n + tasks - 1) / tasks;
    run((n + per - 1) / per, threads, t -> body.accept(t * per, Math.min(n, (t + 1) * per)));
  }

  /**
   * Helper threads handed work since the JVM started (each a wake-up of a pool thread and a wait for its items): the
   * executor's hand-offs, counted so that a profile can say how many a call makes.
   */
  public static long handoffs() {
    return HANDOFFS.sum();
  }

  private static final java.util.concurrent.atomic.LongAdder HANDOFFS =
      new java.util.concurrent.atomic.LongAdder();

  /** Calls {@code item.accept(i)} for every {@code i} in {@code [0, items)} on up to {@code threads} threads. */
  static void run(int items, int threads, IntConsumer item) {
    int workers = Math.min(threads, items);
    if (workers <= 1) {
      for (int i = 0; i < items; i++) item.accept(i);
      return;
    }
    HANDOFFS.add(workers - 1);
    AtomicInteger next = new AtomicInteger();
    CountDownLatch done = new CountDownLatch(items);
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Runnable loop = () -> {
      for (int i = next.getAndIncrement(); i < items; i = next.getAndIncrement()) {
        try {
          if (failure.get() == null) item.accept(i);
        } catch (RuntimeException | Error e) {
          failure.compareAndSet(null, e);
        } finally {
          done.countDown();
        }
      }
    };
    for (int w = 1; w < workers; w++) POOL.execute(loop);
    loop.run();
    boolean interrupted = false;
    while (true) {
      try {
        done.await(); // helpers write into the caller's arrays: wait for their items even if
        // interrupted
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) Thread.currentThread().interrupt();
    Throwable f = failure.get();
    if (f instanceof RuntimeException r) throw r;
    if (f instanceof Error e) throw e;
  }
}
