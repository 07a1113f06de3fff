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

  @Test
  void theCheapestCutTakesTheWidestBitWhenEverySavingIsEqual() {
    int[] w = {8, 4, 4};
    int[] a = {4, 6, 4};
    // every cut saves 1; a bit off 8 is worth the most: w0, then w0 again (7), then a1 and w0 at 6
    // (a1 is later)
    assertEquals(1, Repair.repair(w, a, 2, BITS, 29, Repair.Order.CHEAPEST));
    assertArrayEquals(new int[] {7, 4, 4}, w);
    assertEquals(2, Repair.repair(w, a, 2, BITS, 27, Repair.Order.CHEAPEST));
    assertArrayEquals(new int[] {6, 4, 4}, w);
    assertArrayEquals(new int[] {4, 5, 4}, a);
  }

  @Test
  void theCheapestCutWeighsTheSavingAgainstTheWidth() {
    // layer 0 costs ten times layer 1 per bit
    Repair.Cost cost = (w, a) -> 10 * (w[0] + a[0]) + (w[1] + a[1]);
    int[] w = {6, 6};
    int[] a = {6, 7};
    // a1 at 7 saves 1 x 4^7, a0 at 6 saves 10 x 4^6 = 2.5 x 4^7: layer 0 goes first, activations
    // before weights
    assertEquals(1, Repair.repair(w, a, 2, cost, cost.of(w, a) - 1, Repair.Order.CHEAPEST));
    assertArrayEquals(new int[] {6, 6}, w);
    assertArrayEquals(new int[] {5, 7}, a);
    // now w0 (10 x 4^6) beats a1 (4^7) and a0 at 5 (10 x 4^5)
    assertEquals(1, Repair.repair(w, a, 2, cost, cost.of(w, a) - 1, Repair.Order.CHEAPEST));
    assertArrayEquals(new int[] {5, 6}, w);
  }

  @Test
  void theCheapestCutLeavesWidthsThatSaveNothing() {
    // a size budget: only weights cost
    Repair.Cost size = (w, a) -> Arrays.stream(w).sum();
    int[] w = {4, 4};
    int[] a = {8, 8};
    assertEquals(1, Repair.repair(w, a, 2, size, 7, Repair.Order.CHEAPEST));
    assertArrayEquals(new int[] {4, 3}, w);
    assertArrayEquals(new int[] {8, 8}, a);
    HaqException e = assertThrows(
        HaqException.class,
        () -> Repair.repair(new int[] {4, 4}, new int[] {4, 4}, 2, BITS, 7, Repair.Order.CHEAPEST));
    assertTrue(e.getMessage().contains("every width at 2 bits"), e.getMessage());
  }

  @Test
  void fillSpendsTheMarginWhereABitRemovesTheMostNoisePerCost() {
    // layer 0 costs ten times layer 1 per bit
    Repair.Cost cost = (w, a) -> 10 * (w[0] + a[0]) + (w[1] + a[1]);
    int[] w = {4, 4};
    int[] a = {4, 6};
    // margin 3: w1 4 -> 5 -> 6 (4^-4, then 4^-5 per unit, against a1's 4^-6; layer 0's bits cost
    // 10, over the
    // margin), then a1 and w1 tie at 6 and the first seen, a1 (activations before weights), takes
    // the last unit
    assertEquals(3, Repair.fill(w, a, 8, cost, cost.of(w, a) + 3));
    assertArrayEquals(new int[] {4, 6}, w);
    assertArrayEquals(new int[] {4, 7}, a);
  }

  @Test
  void fillStopsAtTheMaximumAndTakesFreeBitsFirst() {
    Repair.Cost size = (w, a) -> Arrays.stream(w).sum();
    int[] w = {7, 8};
    int[] a = {3, 5};
    // activations cost nothing here: they go to the maximum; the one weight bit the margin allows
    // goes to layer 0
    assertEquals(9, Repair.fill(w, a, 8, size, 16));
    assertArrayEquals(new int[] {8, 8}, w);
    assertArrayEquals(new int[] {8, 8}, a);
    assertEquals(0, Repair.fill(w, a, 8, size, 100));
  }
}
