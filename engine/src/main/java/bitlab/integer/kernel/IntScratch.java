package bitlab.integer.kernel;

/**
 * Per-thread int arrays that a kernel call fills and its epilogue reads back at once, reused from call to
 * call: a layer's accumulators need not be a fresh (zeroed) array of megabytes every time.
 */
final class IntScratch {
  private static final ThreadLocal<int[][]> SLOTS = ThreadLocal.withInitial(() -> new int[5][0]);

  private IntScratch() {}

  /** This thread's array in {@code slot} (0..4), at least {@code size} long; its contents are whatever was left there. */
  static int[] get(int slot, int size) {
    int[][] s = SLOTS.get();
    if (s[slot].length < size) s[slot] = new int[size];
    return s[slot];
  }
}
