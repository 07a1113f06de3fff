package bitlab.integer.kernel;

import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Two kernels with the same accumulators, of which the faster on this machine, now, serves the
 * layer: for each batch size the first calls warm both and then time them in turn, and the one
 * with the lower median serves the batch size. The trial is run once more after {@link #RETRY_AFTER}
 * further calls and at least a second, and that verdict stays: the first trial falls in the JVM's
 * first moments, while the JIT is still compiling the Java kernel, and can crown oneDNN only because
 * Java was not compiled yet.
 * Since both give the reference's accumulators bit for bit, which one ran is invisible in the results.
 *
 * <p>The verdict belongs to the layer's shape, not to one program: every {@code FasterOfKernel} of the same two
 * kernel families and the same geometry in this process shares one set of trials ({@link #SHARED}), so the W8A8 and
 * the W4A4 program of a model run each layer on the same kernel, and a second program reuses the first one's verdict
 * without timing again. And the first kernel is the default: the second serves only when its median is more than
 * {@link #MARGIN} below the first's ({@link #secondWins}), so a near-tie does not flip with the noise from run to run.
 * Before this, each program timed its own layers and the set of depthwise layers on Java differed between W8A8 and
 * W4A4 and between two runs of one, moving whole rows of the bench.
 *
 * <p>Why measure instead of decide: oneDNN makes about twice the int8 MACs per core of the Java
 * kernel, but its OpenMP threads meet at barriers, and when other processes crowd the cores
 * (this project shares two cores with several builds) each barrier waits for a time slice; Java's
 * helpers do not wait for each other. Which wins depends on the machine's load, not on the layer.
 */
final class FasterOfKernel implements ConvKernel {
  /** Untimed warm-up calls of each kernel, then timed calls of each. */
  private static final int WARM = 2;

  private static final int TIMED = 5;
  /** Calls with the first winner before the second, final trial... */
  static final int RETRY_AFTER = 16;
  /** ...and the time since the first verdict, so that fast layers too give the JIT its time. */
  static final long RETRY_AFTER_NANOS = 1_000_000_000L;
  /** Calls of one batch size after which the first verdict is in. */
  static final int FIRST_VERDICT = 2 * (WARM + TIMED);
  /** Calls of one batch size after which the choice is final, once a second has passed since the first verdict. */
  static final int SETTLED = 2 * 2 * (WARM + TIMED) + RETRY_AFTER;

  /** How much faster (by median) the second kernel must be to serve instead of the first, the default. */
  static final double MARGIN = 0.10;

  /**
   * A layer's shape, the two kernel families timed on it and what else makes their cost differ (e.g. oneDNN's one
   * pass or two without VNNI): what a verdict belongs to.
   */
  record Shape(String first, String second, ConvGeometry geometry, String variant) {}

  /** Every shape's trials (by batch size) in this process, shared by the programs that have the shape. */
  private static final Map<Shape, Map<Integer, Trial>> SHARED = new ConcurrentHashMap<>();

  private final ConvKernel first;
  private final ConvKernel second;
  private final Map<Integer, Trial> trials;

  FasterOfKernel(ConvKernel first, ConvKernel second) {
    this(first, second, "");
  }

  /** Two kernels whose verdict is shared with the layers of the same shape and {@code variant} of cost. */
  FasterOfKernel(ConvKernel first, ConvKernel second, String variant) {
    if (!first.geometry().equals(second.geometry()))
      throw new IllegalArgumentException("Both kernels must compute the same layer.");
    this.first = first;
    this.second = second;
    this.trials = SHARED.computeIfAbsent(
        new Shape(first.name(), second.name(), first.geometry(), variant),
        s -> new ConcurrentHashMap<>());
  }

  /** Forgets every shape's verdict (tests that time the same shape twice). */
  static void forgetVerdicts() {
    SHARED.clear();
  }

  /**
   * Whether the second kernel serves, from the two kernels' timed calls: only when its median is below
   * {@code (1 - margin)} times the first's. A pure function of the timings, so the rule is tested apart from the clock.
   */
  static boolean secondWins(long[] firstNanos, long[] secondNanos, double margin) {
    return median(secondNanos) < (1 - margin) * median(firstNanos);
  }

  @Override
  public ConvGeometry geometry() {
    return first.geometry();
  }

  /** The kernel that won the most recently decided batch size, else both names. */
  @Override
  public String name() {
    ConvKernel won = null;
    for (Trial t : trials.values()) if (t.winner != null) won = kernel(t.winner);
    return won != null ? won.name() : first.name() + "|" + second.name();
  }

  /** The kernel that serves {@code batch}, once decided (null before). */
  ConvKernel chosen(int batch) {
    Trial t = trials.get(batch);
    return t == null || t.winner == null ? null : kernel(t.winner);
  }

  /** This program's kernel for a verdict: the first or the second family. */
  private ConvKernel kernel(boolean second) {
    return second ? this.second : first;
  }

  /** Whether the second trial for {@code batch} has decided, so the choice no longer changes. */
  @Override
  public boolean settled(int batch) {
    Trial t = trials.get(batch);
    return t != null && t.last && t.winner != null;
  }

  /** Which kernel serves {@code batch} and the medians that chose it, e.g. {@code faster than vector-gemm (1.20 ms against 3.40 ms)}. */
  @Override
  public String detail(int batch) {
    Trial t = trials.get(batch);
    if (t == null || t.winner == null)
      return "timing " + first.name() + " against " + second.name();
    boolean secondWon = t.winner;
    ConvKernel lost = kernel(!secondWon);
    double won = median(t.nanos[secondWon ? 1 : 0]) / 1e6,
        other = median(t.nanos[secondWon ? 0 : 1]) / 1e6;
    String inner = kernel(secondWon).detail(batch);
    String how = secondWon || won <= other
        ? String.format("timed faster than %s (%.2f ms against %.2f ms)", lost.name(), won, other)
        : String.format(
            "the default: %s was not %.0f%% faster (%.2f ms against %.2f ms)",
            lost.name(), 100 * MARGIN, other, won);
    return (inner.isEmpty() ? "" : inner + "; ")
        + how
        + " for this layer shape in this process"
        + (t.last ? "" : ", to be timed again");
  }

  @Override
  public void accumulate(byte[] input, int batch, int[] acc) {
    call(batch, k -> k.accumulate(input, batch, acc));
  }

  @Override
  public void requantize(byte[] input, int batch, Epilogue e, byte[] out) {
    call(batch, k -> k.requantize(input, batch, e, out));
  }

  /** Channels-last when both kernels are (a oneDNN layer against Java's channels-last depthwise). */
  @Override
  public boolean channelsLast() {
    return first.channelsLast() && second.channelsLast();
  }

  @Override
  public void requantizeNhwc(byte[] input, boolean inputNhwc, int batch, Epilogue e, byte[] out) {
    call(batch, k -> k.requantizeNhwc(input, inputNhwc, batch, e, out));
  }

  /** Runs {@code work} with the kernel that serves {@code batch}, or, during a trial, with the next one to time. */
  private void call(int batch, java.util.function.Consumer<ConvKernel> work) {
    Trial t = trials.computeIfAbsent(batch, b -> new Trial(false));
    Boolean won = t.winner;
    if (won != null) {
      if (!t.last
          && t.servedAfterVerdict() >= RETRY_AFTER
          && System.nanoTime() - t.decidedAt >= RETRY_AFTER_NANOS) {
        trials.replace(batch, t, new Trial(true));
      }
      work.accept(kernel(won));
      return;
    }
    int call = t.next();
    ConvKernel k = call % 2 == 0 ? first : second;
    long start = System.nanoTime();
    work.accept(k);
    t.record(call, System.nanoTime() - start);
  }

  /** The calls made so far for one batch size, by every program with the shape. */
  private static final class Trial {
    private final long[][] nanos = new long[2][TIMED];
    /** Whether this is the second trial, whose verdict stays. */
    private final boolean last;

    private int calls;
    private int timed;
    private int served;
    /** Whether the second kernel serves; null until decided. */
    private volatile Boolean winner;

    private volatile long decidedAt;

    Trial(boolean last) {
      this.last = last;
    }

    /** Counts one call served by the winner; returns how many there have been, this one included. */
    synchronized int servedAfterVerdict() {
      return ++served;
    }

    synchronized int next() {
      return calls++;
    }

    synchronized void record(int call, long ns) {
      int round = call / 2 - WARM;
      if (winner != null || round < 0 || round >= TIMED) return;
      nanos[call % 2][round] = ns;
      if (++timed == 2 * TIMED) {
        decidedAt = System.nanoTime();
        winner = secondWins(nanos[0], nanos[1], MARGIN);
      }
    }
  }

  private static long median(long[] v) {
    long[] s = v.clone();
    Arrays.sort(s);
    return s[s.length / 2];
  }
}
