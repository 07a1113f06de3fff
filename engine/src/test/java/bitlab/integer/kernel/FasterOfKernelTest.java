package bitlab.integer.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The choice between two kernels: by a margin that keeps the default, once per layer shape in a process. */
class FasterOfKernelTest {
  @Test
  void theSecondServesOnlyWhenFasterByTheMargin() {
    long[] first = {100, 100, 100, 100, 100};
    assertFalse(
        FasterOfKernel.secondWins(first, new long[] {95, 95, 95, 95, 95}, 0.10), "a near tie");
    assertFalse(
        FasterOfKernel.secondWins(first, new long[] {90, 90, 90, 90, 90}, 0.10),
        "exactly the margin");
    assertTrue(FasterOfKernel.secondWins(first, new long[] {89, 89, 89, 89, 89}, 0.10));
    assertFalse(FasterOfKernel.secondWins(first, new long[] {150, 150, 150, 150, 150}, 0.10));
    // by median: two slow calls of the first (a busy machine) do not crown the second
    assertFalse(FasterOfKernel.secondWins(
        new long[] {100, 900, 100, 800, 100}, new long[] {95, 95, 95, 95, 95}, 0.10));
    assertTrue(
        FasterOfKernel.secondWins(first, new long[] {95, 95, 95, 95, 95}, 0.0),
        "no margin: plain medians");
  }

  @Test
  void programsWithTheSameLayerShapeShareTheVerdict() {
    FasterOfKernel.forgetVerdicts();
    ConvGeometry g = new ConvGeometry(8, 8, 3, 3, 1, 1, 1, 1, 6, 6);
    Random r = new Random(5);
    byte[] w8 = new byte[g.weightSize()], w4 = new byte[g.weightSize()];
    for (int i = 0; i < w8.length; i++) {
      w8[i] = (byte) (r.nextInt(255) - 127);
      w4[i] = (byte) (r.nextInt(15) - 7);
    }
    byte[] x = new byte[g.inputSize()];
    for (int i = 0; i < x.length; i++) x[i] = (byte) r.nextInt(256);
    // two programs of one model, 8-bit and 4-bit weights: the same shape and kernel families
    FasterOfKernel a = new FasterOfKernel(
        ConvKernels.reference(g, w8, true, 0), ConvKernels.java(g, w8, true, 0, 1));
    FasterOfKernel b = new FasterOfKernel(
        ConvKernels.reference(g, w4, true, 0), ConvKernels.java(g, w4, true, 0, 1));
    int[] acc = new int[g.outputSize()], want = new int[g.outputSize()];
    for (int call = 0; call < FasterOfKernel.FIRST_VERDICT; call++) a.accumulate(x, 1, acc);
    assertNotNull(a.chosen(1), "a's trial decided");
    // b never timed anything and runs on a's verdict, with its own weights
    assertNotNull(b.chosen(1));
    assertEquals(a.chosen(1).name(), b.chosen(1).name());
    b.accumulate(x, 1, acc);
    ConvKernels.reference(g, w4, true, 0).accumulate(x, 1, want);
    assertArrayEquals(want, acc, "b's own weights");
    // another shape has its own trials
    ConvGeometry other = new ConvGeometry(8, 16, 3, 3, 1, 1, 1, 1, 6, 6);
    byte[] wo = new byte[other.weightSize()];
    FasterOfKernel c = new FasterOfKernel(
        ConvKernels.reference(other, wo, true, 0), ConvKernels.java(other, wo, true, 0, 1));
    assertNull(c.chosen(1));
    assertTrue(c.detail(1).startsWith("timing "), c.detail(1));
  }
}
