package bitlab.integer.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** When kernel calls and element-wise passes ask helper threads. */
class ParallelTest {
  private final long savedMacs = Parallel.minParallelMacs();

  @AfterEach
  void restore() {
    Parallel.helpers(Parallel.Helpers.MEASURE);
    Parallel.minParallelMacs(savedMacs);
  }

  /** The threads that ran the ranges of a pass over a million elements in grains of a thousand. */
  private static Set<Thread> rangeThreads() {
    Set<Thread> seen = ConcurrentHashMap.newKeySet();
    int[] covered = new int[1_000_000];
    Parallel.ranges(covered.length, 1000, 2, (from, to) -> {
      seen.add(Thread.currentThread());
      for (int i = from; i < to; i++) covered[i]++;
    });
    for (int c : covered) assertEquals(1, c, "every element exactly once");
    return seen;
  }

  @Test
  void a_busy_machine_keeps_every_call_on_the_calling_thread() {
    Parallel.helpers(Parallel.Helpers.NEVER);
    assertTrue(Parallel.busy());
    assertEquals(1, Parallel.threadsFor(Long.MAX_VALUE / 2, 2));
    assertEquals(Set.of(Thread.currentThread()), rangeThreads());
  }

  @Test
  void helpers_are_asked_when_told_or_when_tests_force_the_parallel_paths() {
    Parallel.helpers(Parallel.Helpers.ALWAYS);
    assertFalse(Parallel.busy());
    assertEquals(2, Parallel.threadsFor(Long.MAX_VALUE / 2, 2));
    assertEquals(1, Parallel.threadsFor(0, 2), "below the threshold the caller works alone");
    Parallel.helpers(Parallel.Helpers.MEASURE);
    Parallel.minParallelMacs(0);
    assertFalse(Parallel.busy(), "a threshold of 0 runs the parallel paths whatever the load");
  }

  @Test
  void the_measurement_gives_a_verdict_and_the_passes_stay_exact() {
    Parallel.helpers(Parallel.Helpers.MEASURE);
    boolean busy =
        Parallel.busy(); // either is right on a shared machine: what must hold is the pass itself
    Set<Thread> used = rangeThreads();
    if (busy) assertEquals(Set.of(Thread.currentThread()), used);
  }
}
