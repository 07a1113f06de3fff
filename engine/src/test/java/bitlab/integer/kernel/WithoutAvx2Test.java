package bitlab.integer.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bitlab.cpu.CpuFeatures;
import java.util.Random;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * A CPU without AVX2, as {@code -Dbitlab.kernel.isa=none} makes this one look (the build's no-avx2-path run): oneDNN
 * and the Vector API kernels stand down, the plain-Java kernel gives the reference's sums, and the explanation says why.
 * Elsewhere the test is skipped.
 */
class WithoutAvx2Test {

  @Test
  void the_plain_kernel_runs_every_layer_and_says_why() {
    Assumptions.assumeTrue(
        CpuFeatures.current().isa() == CpuFeatures.Isa.NO_AVX2,
        "runs with -Dbitlab.kernel.isa=none");
    assertFalse(ConvKernels.dnnlAvailable(new ConvGeometry(8, 8, 3, 3, 1, 1, 1, 1, 8, 8)));
    assertTrue(
        ConvKernels.dnnlUnavailableReason()
            .startsWith("its int8 kernels need AVX2 and this CPU has none"),
        ConvKernels.dnnlUnavailableReason());
    assertFalse(ConvKernels.vectorRequant());
    Random r = new Random(2);
    for (ConvGeometry g : new ConvGeometry[] {
      new ConvGeometry(8, 8, 3, 3, 1, 1, 1, 1, 8, 8),
      new ConvGeometry(6, 6, 3, 3, 2, 1, 1, 6, 9, 9),
      ConvGeometry.linear(20, 5)
    }) {
      byte[] w = FastKernelsTest.codes(r, g.weightSize(), false),
          x = FastKernelsTest.codes(r, 2 * g.inputSize(), true);
      ConvKernel k = ConvKernels.best(g, w, true, 4);
      assertEquals("plain-gemm", k.name());
      String why = ConvKernels.explain(k, 2);
      assertTrue(
          why.startsWith(
              "plain-gemm (no Vector API kernels: the CPU is taken as one without AVX2 (forced by -Dbitlab.kernel.isa=none"),
          why);
      int[] want = new int[2 * g.outputSize()], got = new int[want.length];
      ConvKernels.reference(g, w, true, 4).accumulate(x, 2, want);
      k.accumulate(x, 2, got);
      assertArrayEquals(want, got, g.toString());
    }
  }
}
