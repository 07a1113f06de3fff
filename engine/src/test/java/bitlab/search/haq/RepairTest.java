package bitlab.search.haq;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class RepairTest {
  /** Cost = total bits, so each one-bit cut lowers it by one. */
  private static final Repair.Cost BITS =
      (w, a) -> Arrays.stream(w).sum() + Arrays.stream(a).sum();

  @Test
  void lowersTheLastLayerFirstActivationsBeforeWeights() {
    int[] w = {8, 8, 8};
    int[] a = {8, 8, 8};
    assertEquals(1, Repair.repair(w, a, 2, BITS, 47));
    assertArrayEquals(new int[] {8, 8, 8}, w);
    assertArrayEquals(new int[] {8, 8, 7}, a);
    // a new repair starts again at the last layer: its activations, then its weights
    assertEquals(2, Repair.repair(w, a, 2, BITS, 45));
    assertArrayEquals(new int[] {8, 8, 7}, w);
    assertArrayEquals(new int[] {8, 8, 6}, a);
  }

  @Test
  void passesRepeatAndSkipWidthsAtTheMinimum() {
    int[] w = {3, 2, 2};
    int[] a = {8, 2, 3};
    Repair.repair(w, a, 2, BITS, 14);
    // pass 1: a2 3->2 (19), w2 at min, a1 at min, w1 at min, a0 8->7 (18), w0 3->2 (17); pass 2: a0
    // 7->6 ... until 14
    assertArrayEquals(new int[] {2, 2, 2}, w);
    assertArrayEquals(new int[] {4, 2, 2}, a);
    assertEquals(14, BITS.of(w, a));
  }

  @Test
  void leavesAPolicyWithinBudgetAlone() {
    int[] w = {5, 6};
    int[] a = {7, 8};
    assertEquals(0, Repair.repair(w, a, 2, BITS, 100));
    assertArrayEquals(new int[] {5, 6}, w);
  }

  @Test
  void saysWhenEvenTheMinimumDoesNotFit() {
    HaqException e = assertThrows(
        HaqException.class, () -> Repair.repair(new int[] {4, 4}, new int[] {4, 4}, 2, BITS, 7));
    assertTrue(e.getMessage().contains("every width at 2 bits"), e.getMessage());
  }
}
