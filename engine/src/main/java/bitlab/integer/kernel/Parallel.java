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
final class Parallel {
  private static final AtomicInteger THREAD_NUMBER = new AtomicInteger();
  private static final ExecutorService POOL = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "bitlab-kernel-" + THREAD_NUMBER.incrementAndGet());
    t.setDaemon(true);
    return t;
  });

  private Parallel() {}

  /** The cores a kernel uses unless told otherwise: {@code -Dbitlab.kernel.threads=N}, else all of them. */
  static int defaultThreads() {
    int n = Integer.getInteger("bitlab.kernel.threads", Runtime.getRuntime().availableProcessors());
    return Math.max(1, n);
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
