package bitlab.integer.kernel;

/**
 * One layer's choice, on a busy machine, between running in pieces on the executor's threads and running as one
 * piece on the calling thread. A helper may wait a time slice to be scheduled on a crowded machine, which costs a
 * small layer more than a second core gives and a large one less, and where the line falls depends on the load: so
 * the layer times its own two ways, {@link #TRIALS} calls of each alternating, keeps the faster (by median), and
 * times again when the machine has been measured again ({@link Parallel#measurements}). Not thread-safe: a plan's
 * calls are serialised.
 */
final class SplitChoice {
  /** Calls of each kind timed before choosing. */
  static final int TRIALS = 3;

  private final long[] split = new long[TRIALS], whole = new long[TRIALS];
  private long chosenUnder = -1;
  private int trial;
  private boolean splitPays;

  /** Whether the next call, under busy-measurement {@code measurement}, runs in pieces. */
  boolean split(long measurement) {
    if (measurement != chosenUnder) {
      chosenUnder = measurement;
      trial = 0;
    }
    return timing() ? trial % 2 == 0 : splitPays;
  }

  /** Whether the next call is one of the timed trials. */
  boolean timing() {
    return trial < 2 * TRIALS;
  }

  /** The wall time of the call {@link #split} just chose (ignored outside the trials). */
  void took(long nanos) {
    if (!timing()) return;
    (trial % 2 == 0 ? split : whole)[trial / 2] = nanos;
    if (++trial == 2 * TRIALS) splitPays = median(split) < median(whole);
  }

  /** The choice made, once the trials are over. */
  boolean splitPays() {
    return splitPays;
  }

  private static long median(long[] v) {
    long[] s = v.clone();
    java.util.Arrays.sort(s);
    return s[s.length / 2];
  }
}
