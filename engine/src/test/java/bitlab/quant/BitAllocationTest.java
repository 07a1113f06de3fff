package bitlab.quant;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The allocation math of {@link BitAllocation}: the 2/3 law, the exact budget, the bounds, and its refusals. */
class BitAllocationTest {
  @Test
  void equalRangesKeepTheMeanWidth() {
    double[] r = new double[7];
    Arrays.fill(r, 0.37);
    for (int bits = 2; bits <= 8; bits++) {
      int[] w = BitAllocation.widths(r, bits, 2, 8);
      for (int v : w) assertEquals(bits, v, Arrays.toString(w));
    }
  }

  /** Levels go as r^(2/3): ranges 1 and 8 are levels in the ratio 4, two bits apart around the mean of 4. */
  @Test
  void levelsFollowTheTwoThirdsLaw() {
    assertArrayEquals(new int[] {3, 5}, BitAllocation.widths(new double[] {1, 8}, 4, 2, 8));
    // 64^(2/3) = 16: four bits apart, still 8 bits in all for two channels of 4.
    assertArrayEquals(new int[] {2, 6}, BitAllocation.widths(new double[] {1, 64}, 4, 2, 8));
    assertArrayEquals(new int[] {6, 2}, BitAllocation.widths(new double[] {64, 1}, 4, 2, 8));
    // Scaling every range alike changes nothing.
    assertArrayEquals(
        BitAllocation.widths(new double[] {0.3, 2.4, 0.05, 1}, 4, 2, 8),
        BitAllocation.widths(new double[] {3, 24, 0.5, 10}, 4, 2, 8));
  }

  /** On random ranges: the budget is spent exactly, widths stay in bounds, a wider channel never gets fewer bits, and
   * unclamped channels are within one bit of the 2/3 law relative to each other. */
  @Test
  void randomRangesSpendTheBudgetExactlyAndInOrder() {
    Random rnd = new Random(17);
    for (int trial = 0; trial < 200; trial++) {
      int n = 1 + rnd.nextInt(64);
      int mean = 2 + rnd.nextInt(7);
      double[] r = new double[n];
      for (int i = 0; i < n; i++) r[i] = Math.exp(rnd.nextGaussian() * 2);
      int[] w = BitAllocation.widths(r, mean, 2, 8);
      assertEquals(
          (long) n * mean, Arrays.stream(w).asLongStream().sum(), "budget, trial " + trial);
      for (int i = 0; i < n; i++) {
        assertTrue(w[i] >= 2 && w[i] <= 8, "bounds");
        for (int j = 0; j < n; j++) {
          if (r[i] > r[j])
            assertTrue(
                w[i] >= w[j], "order: " + r[i] + " got " + w[i] + ", " + r[j] + " got " + w[j]);
          boolean free = w[i] > 2 && w[i] < 8 && w[j] > 2 && w[j] < 8;
          double law = (2.0 / 3.0) * Math.log(r[i] / r[j]) / Math.log(2);
          if (free) assertTrue(Math.abs((w[i] - w[j]) - law) <= 2.0, "2/3 law, trial " + trial);
        }
      }
    }
  }

  /** The point of it: with channels of very different ranges the summed noise drops below uniform widths'. */
  @Test
  void disparateRangesLoseLessThanUniformWidths() {
    double[] r = {0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 40};
    int[] uniform = new int[r.length];
    Arrays.fill(uniform, 4);
    int[] w = BitAllocation.widths(r, 4, 2, 8);
    double gain = BitAllocation.noise(r, uniform) / BitAllocation.noise(r, w);
    assertTrue(
        gain > 10, "noise ratio uniform/allocated " + gain + " with widths " + Arrays.toString(w));
  }

  @Test
  void zeroRangesGetTheNarrowestWidth() {
    int[] w = BitAllocation.widths(new double[] {0, 1, 1, 0}, 4, 2, 8);
    assertEquals(2, w[0]);
    assertEquals(2, w[3]);
    assertEquals(16, Arrays.stream(w).sum());
  }

  @Test
  void aBudgetOutsideTheWidthsIsOneSentence() {
    QuantException low = assertThrows(
        QuantException.class, () -> BitAllocation.widths(new double[] {1, 2}, 1, 2, 8));
    assertEquals(
        "A bit budget of 1 bits per channel is outside what the channels allow (2..8 bits each); give the layer 2..8 bits.",
        low.getMessage());
    QuantException bad = assertThrows(
        QuantException.class, () -> BitAllocation.widths(new double[] {1, Double.NaN}, 4, 2, 8));
    assertTrue(bad.getMessage().startsWith("Channel 1 has range NaN"), bad.getMessage());
    QuantException name =
        assertThrows(QuantException.class, () -> BitAllocation.Target.parse("channels"));
    assertTrue(name.getMessage().contains("none, weights, activations or both"), name.getMessage());
    assertEquals(BitAllocation.Target.BOTH, BitAllocation.Target.parse(" Both"));
  }
}
