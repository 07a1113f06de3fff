package bitlab.integer.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class JitWarmupTest {
  /**
   * The warm-up finishes, warms every Vector API method the executor runs here (VectorRequant's six, FmaRequant's two
   * and the 16-bit stream's seven where the CPU has AVX-512, the linear and channels-last depthwise kernels wherever the
   * Vector API runs, nothing without it), and each of its thousands of calls
   * gives the scalar definition's result.
   */
  @Test
  void warmsEveryVectorMethodAndEachCallMatchesTheDefinition() {
    JitWarmup.start();
    assertTrue(JitWarmup.await(300_000), "the warm-up did not finish in five minutes");
    int want = !VectorSupport.AVAILABLE
        ? 0
        : ConvKernels.vectorRequant() ? (FmaRequant.AVAILABLE ? 17 : 15) : 2;
    assertEquals(want, JitWarmup.methods());
    assertEquals(0, JitWarmup.mismatches());
    JitWarmup.start(); // once per JVM: a second start changes nothing
    assertTrue(JitWarmup.await(0));
  }
}
