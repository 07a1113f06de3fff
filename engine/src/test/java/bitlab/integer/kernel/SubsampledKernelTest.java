package bitlab.integer.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Layers whose stride differs by axis run on oneDNN with both strides where oneDNN takes every convolution, and
 * elsewhere on the ordinary kernels at a stride that divides both, every other row or column dropped: either way
 * their accumulators are the reference loop's (which reads the two strides directly), integer for
 * integer, for dense, depthwise and grouped layers, padded or not, signed and unsigned inputs.
 */
class SubsampledKernelTest {
  private static void same(ConvGeometry g, long seed) {
    Random r = new Random(seed);
    byte[] w = new byte[g.weightSize()];
    for (int i = 0; i < w.length; i++) w[i] = (byte) (r.nextInt(255) - 127);
    boolean unsigned = r.nextBoolean();
    int zp = unsigned ? r.nextInt(20) : 0;
    int batch = 2;
    byte[] x = new byte[batch * g.inputSize()];
    r.nextBytes(x);
    int[] want = new int[batch * g.outputSize()];
    int[] got = new int[want.length];
    ConvKernels.reference(g, w, unsigned, zp).accumulate(x, batch, want);
    ConvKernel best = ConvKernels.best(g, w, unsigned, zp);
    // oneDNN runs the two strides itself where it takes every convolution (VNNI, AMX); elsewhere
    // the
    // layer runs at a common stride, subsampled
    boolean native_ = ConvKernels.dnnlAvailable(g)
        && bitlab.cpu.CpuFeatures.current().exactInt8Dot()
        && !VectorLinearKernel.linear(g);
    assertTrue(
        native_ ? best instanceof DnnlConvKernel : best instanceof SubsampledKernel, best.name());
    best.accumulate(x, batch, got);
    assertArrayEquals(want, got, g.toString());
    int[] subsampled = new int[want.length];
    SubsampledKernel.of(g, w, unsigned, zp, ConvKernels.defaultThreads())
        .accumulate(x, batch, subsampled);
    assertArrayEquals(want, subsampled, "subsampled " + g);
    byte[] codes = new byte[want.length];
    byte[] expected = new byte[want.length];
    Epilogue e = (c, acc, from, stride, n, out, to) -> {
      for (int i = 0; i < n; i++)
        out[to + i] = (byte) Math.max(-128, Math.min(127, acc[from + i * stride] >> 6));
    };
    best.requantize(x, batch, e, codes);
    Epilogue.rows(g, batch, want, e, expected, 1);
    assertArrayEquals(expected, codes, "requantized " + g);
  }

  @Test
  void accumulatorsAreTheReferenceLoops() {
    long seed = 1;
    // in, out, kernel, strides, padding, groups, input size
    same(new ConvGeometry(3, 8, 3, 3, 2, 1, 1, 1, 1, 9, 7), seed++);
    same(new ConvGeometry(3, 8, 3, 3, 1, 2, 1, 1, 1, 9, 7), seed++);
    same(new ConvGeometry(4, 6, 3, 2, 3, 2, 0, 1, 1, 11, 8), seed++);
    same(new ConvGeometry(8, 8, 3, 3, 2, 1, 1, 1, 8, 10, 10), seed++); // depthwise
    same(new ConvGeometry(16, 16, 3, 3, 1, 2, 1, 1, 16, 12, 12), seed++); // depthwise, 16 channels
    same(new ConvGeometry(8, 12, 1, 1, 4, 2, 0, 0, 4, 9, 9), seed++); // grouped, gcd 2
    same(new ConvGeometry(32, 24, 3, 3, 2, 1, 1, 1, 1, 14, 14), seed++); // large enough for oneDNN
  }

  @Test
  void theDetailSaysWhatRuns() {
    ConvGeometry g = new ConvGeometry(4, 6, 3, 3, 4, 2, 1, 1, 1, 9, 9);
    assertEquals(5, g.outW());
    assertEquals(3, g.outH());
    ConvKernel k = SubsampledKernel.of(g, new byte[g.weightSize()], true, 0, 1);
    assertTrue(
        ConvKernels.explain(k, 1)
            .endsWith("strides 4x2 run at stride 2, keeping 1 row in 2 and every column"),
        ConvKernels.explain(k, 1));
    assertThrows(IllegalStateException.class, g::stride);
  }
}
