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
  private static volatile long minParallelMacs = Long.getLong("bitlab.kernel.minParallelMacs", 250_000L);

  /** The current threshold of {@link #threadsFor}. */
  public static long minParallelMacs() {
    return minParallelMacs;
  }

  /** Sets the threshold of {@link #threadsFor} for the whole JVM (benchmarks and tests compare settings). */
  public static void minParallelMacs(long macs) {
    if (macs < 0) throw new IllegalArgumentException("A threshold of multiply-accumulates must not be negative, got " + macs + ".");
    minParallelMacs = macs;
  }

  /** The threads a kernel call of {@code macs} multiply-accumulates uses: {@code threads}, or 1 below {@link #minParallelMacs}. */
  static int threadsFor(long macs, int threads) {
    return macs < minParallelMacs ? 1 : threads;
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
    if (grain < 1) throw new IllegalArgumentException("A grain must be at least 1, not " + grain + ".");
    int tasks = (int) Math.min(4L * threads, Math.max(1, n / grain));
    if (tasks <= 1 || threads <= 1) {
      if (n > 0) body.accept(0, n);
      return;
    }
    int per = (n + tasks - 1) / tasks;
    run((n + per - 1) / per, threads, t -> body.accept(t * per, Math.min(n, (t + 1) * per)));
  }

  /** Calls {@code item.accept(i)} for every {@code i} in {@code [0, items)} on up to {@code threads} threads. */
  static void run(int items, int threads, IntConsumer item) {
    int workers = Math.min(threads, items);
    if (workers <= 1) {
      for (int i = 0; i < items; i++) item.accept(i);
      return;
    }
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
        done.await(); // helpers write into the caller's arrays: wait for their items even if interrupted
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
