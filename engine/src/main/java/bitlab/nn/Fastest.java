package bitlab.nn;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntConsumer;
import org.bytedeco.dnnl.stream;

/**
 * The fastest of a few ways to compute one thing (oneDNN primitives for different memory layouts), picked
 * at the first call by timing each a few times on that call's own tensors, then kept; the others are closed.
 * oneDNN's choices differ by orders of magnitude on small shapes here: a linear layer's weight gradient
 * ({@code [64, 120] -> [64, 84]}) took 3-9 ms with the weights in oneDNN's preferred layout and 5-50 µs in plain
 * row-major order.
 *
 * <p>Inside {@link Threads#oneThread} the way is not raced but the {@code preferred} one is taken: ways differ
 * in their order of summation, and where two are about as fast (a linear layer's brgemm and gemm kernels often
 * are, within microseconds) the race picks one or the other from run to run, so the same training run rounded
 * differently each time (HAQ's fine-tuned scores moved by 0.2 points between runs with the same seed).
 */
final class Fastest implements AutoCloseable {
  private final List<AutoCloseable> ways;
  private final int preferred;
  private int chosen = -1;

  Fastest(List<? extends AutoCloseable> ways) {
    this(ways, 0);
  }

  /** {@code preferred}: the way taken without a race, when the same bits are needed on every run. */
  Fastest(List<? extends AutoCloseable> ways, int preferred) {
    if (ways.isEmpty()) throw new IllegalArgumentException("no way to compute it");
    if (preferred < 0 || preferred >= ways.size())
      throw new IllegalArgumentException("no way " + preferred + " of " + ways.size());
    this.ways = new ArrayList<>(ways);
    this.preferred = preferred;
  }

  /** Runs way {@code i} through {@code run}, having picked it at the first call. */
  void run(stream s, IntConsumer run) {
    run(s, run, null);
  }

  /**
   * As {@link #run(stream, IntConsumer)} for a computation that adds to its output: {@code output} is the
   * tensor it adds to, put back as it was before each trial and before the run that counts.
   */
  void run(stream s, IntConsumer run, Tensor output) {
    if (chosen < 0 && (ways.size() == 1 || Threads.pinned())) {
      chosen = choose(s, run);
    } else if (chosen < 0) {
      float[] before = output == null ? null : output.toFloats();
      IntConsumer trial = before == null
          ? run
          : i -> {
            output.setAll(before);
            run.accept(i);
          };
      chosen = choose(s, trial);
      if (before != null) output.setAll(before);
    }
    run.accept(chosen);
  }

  /** The way that will run (or the preferred one, before the first call). */
  AutoCloseable way() {
    return ways.get(chosen >= 0 ? chosen : preferred);
  }

  private int choose(stream s, IntConsumer run) {
    int best = preferred;
    if (ways.size() > 1 && !Threads.pinned()) {
      long fastest = Long.MAX_VALUE;
      for (int i = 0; i < ways.size(); i++) {
        for (int k = 0; k < 4; k++) {
          long t0 = System.nanoTime();
          run.accept(i);
          s._wait();
          long t = System.nanoTime() - t0;
          if (k > 0 && t < fastest) {
            fastest = t;
            best = i;
          }
        }
      }
    }
    for (int i = 0; i < ways.size(); i++) if (i != best) close(ways.get(i));
    return best;
  }

  private static void close(AutoCloseable c) {
    try {
      c.close();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    if (chosen >= 0) close(ways.get(chosen));
    else for (AutoCloseable w : ways) close(w);
  }
}
