package bitlab.task;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.IntConsumer;

/**
 * Independent pieces of long work (scoring policies, say) on a few threads, results in the order of
 * the inputs, so a caller that folds them in order gets what a loop would have given.
 *
 * <p>An interrupt of the calling thread stops the pieces not yet finished and returns the results
 * of the longest finished prefix, with the interrupt flag set again: the caller keeps what is done
 * and its next {@link Work#checkpoint()} ends the work, as it would have after a loop's iteration.
 * Helper threads inherit the caller's progress sink.
 */
public final class ParallelMap {
  private static final AtomicInteger THREAD_NUMBER = new AtomicInteger();

  private ParallelMap() {}

  /** Pieces run at once by default in searches: {@code -Dbitlab.search.threads=N}, else one per core. */
  public static int defaultThreads() {
    return Math.max(
        1, Integer.getInteger("bitlab.search.threads", Runtime.getRuntime().availableProcessors()));
  }

  /**
   * {@code f} applied to every item on up to {@code threads} threads; {@code finished} hears, on the
   * calling thread, how many leading items are done each time that number grows. An exception of
   * {@code f} is rethrown (the first in input order) once the items before it are done.
   */
  public static <T, R> List<R> map(
      List<T> items, int threads, Function<? super T, ? extends R> f, IntConsumer finished) {
    if (threads < 1)
      throw new IllegalArgumentException("At least one thread, not " + threads + ".");
    List<R> out = new ArrayList<>(items.size());
    if (threads == 1 || items.size() <= 1) {
      for (T item : items) {
        if (Thread.currentThread().isInterrupted()) return out;
        try {
          out.add(f.apply(item));
        } catch (CancelledException stop) {
          Thread.currentThread().interrupt();
          return out;
        }
        finished.accept(out.size());
      }
      return out;
    }
    ExecutorService pool = Executors.newFixedThreadPool(Math.min(threads, items.size()), r -> {
      Thread t = new Thread(r, "bitlab-map-" + THREAD_NUMBER.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    List<Future<R>> futures = new ArrayList<>(items.size());
    try {
      for (T item : items) futures.add(pool.submit(() -> f.apply(item)));
      for (Future<R> fu : futures) {
        try {
          out.add(fu.get());
        } catch (InterruptedException | CancellationException stop) {
          Thread.currentThread().interrupt();
          return out;
        } catch (ExecutionException e) {
          Throwable cause = e.getCause();
          if (cause instanceof CancelledException) {
            Thread.currentThread().interrupt();
            return out;
          }
          if (cause instanceof RuntimeException r) throw r;
          if (cause instanceof Error err) throw err;
          throw new IllegalStateException(cause);
        }
        finished.accept(out.size());
      }
      return out;
    } finally {
      for (Future<R> fu : futures) fu.cancel(true);
      pool.shutdownNow();
    }
  }
}
