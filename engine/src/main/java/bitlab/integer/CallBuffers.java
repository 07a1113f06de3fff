package bitlab.integer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The output arrays of one program call, kept for the next. A program's steps ask for the same arrays in the same
 * order on every call of a batch size, and each writes every element of its output, so the {@code i}-th array a
 * call asks for can be the {@code i}-th of the call before: mobilenet-v2 @224 at batch 8 otherwise allocates about 50
 * MB a call, which Java zeroes before the step writes it (a second pass over memory larger than the caches) and whose
 * large arrays G1 places one by one in regions of their own.
 *
 * <p>A call takes a set from its program's pool for its whole length (the logits included) and gives it back at the
 * end, so calls from several threads never share one. The pool holds its sets softly: a program evaluated at batch 64
 * keeps some hundreds of MB this way, which the collector may take back when the heap runs short. Only calls that hand no step's output to the caller use
 * them ({@link IntegerModel#predict}, the profile); {@link IntegerModel#tensors} and the trace get arrays of their
 * own. A step asks with {@link #bytes} or {@link #shorts}; outside such a call, or on another thread (the kernels'
 * helpers), they are new arrays.
 */
final class CallBuffers {
  private static final ThreadLocal<CallBuffers> CURRENT = new ThreadLocal<>();

  /** A program's sets, each free for the next call. */
  static final class Pool {
    private final java.util.concurrent.ConcurrentLinkedDeque<
            java.lang.ref.SoftReference<CallBuffers>>
        free = new java.util.concurrent.ConcurrentLinkedDeque<>();

    /** A free set (a new one if none is left), or null while reuse is off. */
    CallBuffers take() {
      if (!reuse) return null;
      for (java.lang.ref.SoftReference<CallBuffers> r; (r = free.pollFirst()) != null; ) {
        CallBuffers b = r.get();
        if (b != null) return b;
      }
      return new CallBuffers();
    }

    /** Gives a set back (null: nothing). */
    void give(CallBuffers b) {
      if (b != null) free.offerFirst(new java.lang.ref.SoftReference<>(b));
    }
  }

  /**
   * Whether calls reuse their arrays ({@code -Dbitlab.integer.reuseBuffers=false} turns it off for the whole JVM;
   * benchmarks switch it call by call).
   */
  private static volatile boolean reuse =
      !"false".equalsIgnoreCase(System.getProperty("bitlab.integer.reuseBuffers"));

  /** Tests fill a reused array with this before handing it out, so a step that leaves an element unwritten fails. */
  private static volatile boolean poison;

  private final List<Object> slots = new ArrayList<>();
  private int next;

  private static final java.util.concurrent.atomic.LongAdder REUSED =
      new java.util.concurrent.atomic.LongAdder();

  /** Arrays handed out again since the JVM started (tests check that calls do reuse them). */
  static long reused() {
    return REUSED.sum();
  }

  /** Whether calls reuse their output arrays. */
  static boolean reuse() {
    return reuse;
  }

  /** Turns reuse on or off for the whole JVM. */
  static void reuse(boolean on) {
    reuse = on;
  }

  /** Makes every reused array arrive full of a nonzero pattern (tests). */
  static void poison(boolean on) {
    poison = on;
  }

  /** Makes this set the current thread's for a call; returns the set it replaces (null mostly), for {@link #end}. */
  CallBuffers begin() {
    CallBuffers outer = CURRENT.get();
    next = 0;
    CURRENT.set(this);
    return outer;
  }

  /** Ends the call begun with {@link #begin}, restoring {@code outer}. */
  static void end(CallBuffers outer) {
    if (outer == null) CURRENT.remove();
    else CURRENT.set(outer);
  }

  /** {@code n} bytes for a step's output: the array of the same place in the previous call when it has that length. */
  static byte[] bytes(int n) {
    return array(n, byte[].class, byte[]::new, a -> Arrays.fill(a, (byte) 0x5A));
  }

  /** {@code n} 16-bit words for a step's output, as {@link #bytes}. */
  static short[] shorts(int n) {
    return array(n, short[].class, short[]::new, a -> Arrays.fill(a, (short) 0x5A5A));
  }

  private static <T> T array(
      int n,
      Class<T> type,
      java.util.function.IntFunction<T> make,
      java.util.function.Consumer<T> fill) {
    CallBuffers b = CURRENT.get();
    if (b == null) return make.apply(n);
    Object o = b.slot();
    if (type.isInstance(o) && java.lang.reflect.Array.getLength(o) == n) {
      T a = type.cast(o);
      if (poison) fill.accept(a);
      b.next++;
      REUSED.increment();
      return a;
    }
    return b.keep(make.apply(n));
  }

  /** The array this call's next request had in the previous call, or null. */
  private Object slot() {
    return next < slots.size() ? slots.get(next) : null;
  }

  private <T> T keep(T array) {
    if (next < slots.size()) slots.set(next, array);
    else slots.add(array);
    next++;
    return array;
  }
}
