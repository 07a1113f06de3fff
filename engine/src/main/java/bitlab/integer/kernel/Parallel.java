package bitlab.integer.kernel;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;

/**
 * Runs the items of one kernel call on several cores: the caller works too, and the others pull
 * item indices from a shared counter, so uneven items balance themselves.
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
    Runnable loop = () -> {
      for (int i = next.getAndIncrement(); i < items; i = next.getAndIncrement()) item.accept(i);
    };
    Future<?>[] helpers = new Future<?>[workers - 1];
    for (int w = 0; w < helpers.length; w++) helpers[w] = POOL.submit(loop);
    Throwable failure = null;
    try {
      loop.run();
    } catch (RuntimeException | Error e) {
      failure = e;
      next.set(items); // the helpers stop at their next item
    }
    boolean interrupted = false;
    for (Future<?> f : helpers) {
      while (true) {
        try {
          f.get();
          break;
        } catch (ExecutionException e) {
          if (failure == null) failure = e.getCause();
          break;
        } catch (InterruptedException e) {
          interrupted = true; // the helpers write into the caller's arrays: wait for them anyway
        }
      }
    }
    if (interrupted) Thread.currentThread().interrupt();
    if (failure instanceof RuntimeException r) throw r;
    if (failure instanceof Error e) throw e;
    if (failure != null) throw new IllegalStateException("A kernel thread failed: " + failure, failure);
  }
}
