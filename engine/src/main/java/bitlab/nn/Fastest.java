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
 */
final class Fastest implements AutoCloseable {
  private final List<AutoCloseable> ways;
  private int chosen = -1;

  Fastest(List<? extends AutoCloseable> ways) {
    if (ways.isEmpty()) throw new IllegalArgumentException("no way to compute it");
    this.ways = new ArrayList<>(ways);
  }

  /** Runs way {@code i} through {@code run}, having picked it by timing at the first call. */
  void run(stream s, IntConsumer run) {
    run(s, run, null);
  }

  /**
   * As {@link #run(stream, IntConsumer)} for a computation that adds to its output: {@code output} is the
   * tensor it adds to, put back as it was before each trial and before the run that counts.
   */
  void run(stream s, IntConsumer run, Tensor output) {
    if (chosen < 0) {
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

  /** The way that will run (or the first, before the first call). */
  AutoCloseable way() {
    return ways.get(Math.max(chosen, 0));
  }

  private int choose(stream s, IntConsumer run) {
    int best = 0;
    if (ways.size() > 1) {
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
