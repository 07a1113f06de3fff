package bitlab.integer.kernel;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One layer shape's choice, on a busy machine, between running in pieces on the executor's threads and running as one
 * piece on the calling thread. A helper may wait a time slice to be scheduled on a crowded machine, which costs a
 * small layer more than a second core gives and a large one less: so the shape times its two ways, {@link #TRIALS}
 * calls of each alternating, and keeps running in pieces (the default, what an idle machine does) unless one piece was
 * faster by more than {@link #MARGIN} of the median ({@link #wholePays}).
 *
 * <p>The choice is made once per shape (geometry, batch and pieces: {@link #forShape}) in a process and shared by
 * every program that has the shape, so the W8A8 and the W4A4 program of a model split the same layers. It used to be
 * made per program and made again each time the machine was measured busy (every few seconds), so two programs, and
 * one program from minute to minute, ran the same layer differently and whole bench rows moved with it. Thread-safe:
 * programs on different threads may share a shape.
 */
final class SplitChoice {
  /** Calls of each kind timed before choosing. */
  static final int TRIALS = 3;

  /** How much faster (by median) one piece must be than the pieces for a shape to run as one: the kernels' margin. */
  static final double MARGIN = FasterOfKernel.MARGIN;

  /** Every shape's choice in this process. */
  private static final Map<Object, SplitChoice> SHARED = new ConcurrentHashMap<>();

  /** The choice shared by every plan of {@code shape} (a record of what makes two layers cost alike). */
  static SplitChoice forShape(Object shape) {
    return SHARED.computeIfAbsent(shape, s -> new SplitChoice());
  }

  private final long[] split = new long[TRIALS], whole = new long[TRIALS];
  private int trial;
  private boolean splitPays = true;

  /** Whether the next call runs in pieces: the trials alternate, pieces first; then the choice. */
  synchronized boolean split() {
    return timing() ? trial % 2 == 0 : splitPays;
  }

  /** Whether the next call is one of the timed trials. */
  synchronized boolean timing() {
    return trial < 2 * TRIALS;
  }

  /** The wall time of the call {@link #split} just chose (ignored outside the trials). */
  synchronized void took(long nanos) {
    if (!timing()) return;
    (trial % 2 == 0 ? split : whole)[trial / 2] = nanos;
    if (++trial == 2 * TRIALS) splitPays = !wholePays(split, whole, MARGIN);
  }

  /** The choice made, once the trials are over (pieces before). */
  synchronized boolean splitPays() {
    return splitPays;
  }

  /**
   * Whether running as one piece wins: its median below {@code (1 - margin)} times the pieces' median. A pure
   * function of the timings.
   */
  static boolean wholePays(long[] splitNanos, long[] wholeNanos, double margin) {
    // the same rule as a kernel's: the default (pieces) first, the challenger (one piece) second
    return FasterOfKernel.secondWins(splitNanos, wholeNanos, margin);
  }
}
