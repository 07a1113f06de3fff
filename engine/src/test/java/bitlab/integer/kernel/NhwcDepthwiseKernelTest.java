package bitlab.integer.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import bitlab.cpu.CpuFeatures;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Java's channels-last depthwise kernel gives the reference loop's sums and, through an epilogue, its codes, bit for
 * bit: strides 1 and 2, paddings 0 to 2, channel counts that fill the vector lanes and ones that leave a tail, signed
 * and unsigned inputs with zero points, codes at the extremes, either input layout, on one thread and on several.
 */
class NhwcDepthwiseKernelTest {
  private static long minParallelMacs;

  @BeforeAll
  static void parallelEvenForSmallShapes() {
    assumeTrue(VectorSupport.AVAILABLE, "the Vector API kernels are off here");
    minParallelMacs = Parallel.minParallelMacs();
    Parallel.minParallelMacs(0);
  }

  @AfterAll
  static void restoreTheThreshold() {
    if (VectorSupport.AVAILABLE) Parallel.minParallelMacs(minParallelMacs);
  }

  private static List<ConvGeometry> shapes(Random r) {
    List<ConvGeometry> out = new ArrayList<>();
    // mobilenet-v2's own: 96 and 144 channels fill the lanes; stride 2 over an even and an odd map
    out.add(new ConvGeometry(96, 96, 3, 3, 2, 1, 1, 96, 16, 16));
    out.add(new ConvGeometry(144, 144, 3, 3, 1, 1, 1, 144, 7, 7));
    out.add(new ConvGeometry(32, 32, 3, 3, 2, 1, 1, 32, 15, 15));
    out.add(new ConvGeometry(1, 1, 3, 3, 1, 0, 0, 1, 3, 3));
    // rows wider than the epilogue's gathering (8,192 sums): one row per epilogue call
    out.add(new ConvGeometry(48, 48, 3, 3, 1, 1, 1, 48, 3, 200));
    for (int i = 0; i < 40; i++) {
      int c = 1 + r.nextInt(40), s = 1 + r.nextInt(2), p = r.nextInt(3);
      int h = Math.max(1 + r.nextInt(14), 3 - 2 * p), w = Math.max(1 + r.nextInt(14), 3 - 2 * p);
      out.add(new ConvGeometry(c, c, 3, 3, s, p, p, c, h, w));
    }
    return out;
  }

  @Test
  void codes_and_sums_match_the_reference_in_either_input_layout() {
    Random r = new Random(23);
    try {
      for (Parallel.Helpers helpers : List.of(Parallel.Helpers.ALWAYS, Parallel.Helpers.NEVER)) {
        Parallel.helpers(helpers);
        for (ConvGeometry g : shapes(r)) {
          boolean unsigned = r.nextBoolean();
          int batch = 1 + r.nextInt(3), zp = unsigned ? r.nextInt(256) : r.nextInt(256) - 128;
          byte[] weights = FastKernelsTest.codes(r, g.weightSize(), false);
          byte[] x = FastKernelsTest.codes(r, batch * g.inputSize(), unsigned);
          int[] want = accumulate(ConvKernels.reference(g, weights, unsigned, zp), x, batch);
          NhwcDepthwiseKernel k = new NhwcDepthwiseKernel(g, weights, unsigned, zp, 2);
          String what = helpers + ", " + g + (unsigned ? " unsigned" : " signed") + ", zx " + zp
              + ", batch " + batch;
          assertArrayEquals(want, accumulate(k, x, batch), what + ": sums");
          byte[] codes = DnnlConvKernelTest.nhwc(
              FastKernelsTest.codes(g, batch, want), batch, g.outChannels(), g.outH() * g.outW());
          for (boolean inputNhwc : new boolean[] {false, true}) {
            byte[] in = inputNhwc
                ? DnnlConvKernelTest.nhwc(x, batch, g.inChannels(), g.inH() * g.inW())
                : x;
            byte[] got = new byte[codes.length];
            Arrays.fill(got, (byte) 0x5E);
            k.requantizeNhwc(in, inputNhwc, batch, FastKernelsTest.EPILOGUE, got);
            assertArrayEquals(codes, got, what + (inputNhwc ? ", NHWC" : ", NCHW") + " input");
          }
        }
      }
    } finally {
      Parallel.helpers(Parallel.Helpers.MEASURE);
    }
  }

  @Test
  void the_largest_sums_are_exact() {
    // every code 255 against the zero point 0 and every weight -128: nine products of -32,640
    ConvGeometry g = new ConvGeometry(48, 48, 3, 3, 1, 1, 1, 48, 6, 5);
    byte[] weights = new byte[g.weightSize()];
    Arrays.fill(weights, (byte) -128);
    byte[] x = new byte[2 * g.inputSize()];
    Arrays.fill(x, (byte) 255);
    int[] got = accumulate(new NhwcDepthwiseKernel(g, weights, true, 0, 2), x, 2);
    assertArrayEquals(accumulate(ConvKernels.reference(g, weights, true, 0), x, 2), got);
    int hw = g.outH() * g.outW();
    assertEquals(-9 * 255 * 128, got[hw + g.outW() + 1], "an inner position of channel 1");
  }

  @Test
  void it_takes_depthwise_3x3_layers_of_stride_1_and_2_only() {
    assertTrue(NhwcDepthwiseKernel.eligible(new ConvGeometry(8, 8, 3, 3, 2, 1, 1, 8, 9, 9)));
    assertFalse(NhwcDepthwiseKernel.eligible(new ConvGeometry(8, 8, 5, 5, 1, 2, 2, 8, 9, 9)));
    assertFalse(NhwcDepthwiseKernel.eligible(new ConvGeometry(8, 8, 3, 3, 3, 1, 1, 8, 9, 9)));
    assertFalse(NhwcDepthwiseKernel.eligible(new ConvGeometry(8, 16, 3, 3, 1, 1, 1, 8, 9, 9)));
    assertFalse(NhwcDepthwiseKernel.eligible(new ConvGeometry(8, 8, 3, 3, 1, 1, 1, 1, 9, 9)));
    ConvGeometry regular = new ConvGeometry(8, 8, 3, 3, 1, 1, 1, 1, 9, 9);
    IllegalArgumentException e = assertThrows(
        IllegalArgumentException.class,
        () -> new NhwcDepthwiseKernel(regular, new byte[regular.weightSize()], true, 0, 1));
    assertTrue(e.getMessage().startsWith("The channels-last depthwise kernel takes 3x3 depthwise"));
  }

  @Test
  void where_onednn_is_exact_the_setting_chooses_who_runs_depthwise() {
    ConvGeometry g = new ConvGeometry(32, 32, 3, 3, 1, 1, 1, 32, 14, 14);
    assumeTrue(
        CpuFeatures.current().exactInt8Dot() && ConvKernels.dnnlAvailable(g),
        "oneDNN's int8 sums are not exact in one pass here");
    byte[] w = new byte[g.weightSize()];
    ConvKernels.Depthwise saved = ConvKernels.depthwise();
    try {
      ConvKernels.depthwise(ConvKernels.Depthwise.JAVA);
      assertInstanceOf(NhwcDepthwiseKernel.class, ConvKernels.best(g, w, true, 0));
      ConvKernels.depthwise(ConvKernels.Depthwise.DNNL);
      assertInstanceOf(DnnlConvKernel.class, ConvKernels.best(g, w, true, 0));
      ConvKernels.depthwise(ConvKernels.Depthwise.MEASURE);
      ConvKernel k = ConvKernels.best(g, w, true, 0);
      assertInstanceOf(FasterOfKernel.class, k);
      assertTrue(k.channelsLast());
      assertTrue(ConvKernels.explain(k, 1).startsWith("oneDNN or Java's channels-last depthwise"));
      // a 5x5 depthwise layer stays with oneDNN
      ConvGeometry five = new ConvGeometry(32, 32, 5, 5, 1, 2, 2, 32, 14, 14);
      assertInstanceOf(
          DnnlConvKernel.class, ConvKernels.best(five, new byte[five.weightSize()], true, 0));
    } finally {
      ConvKernels.depthwise(saved);
    }
  }

  private static int[] accumulate(ConvKernel k, byte[] x, int batch) {
    int[] acc = new int[batch * k.geometry().outputSize()];
    Arrays.fill(acc, 0x5EED);
    k.accumulate(x, batch, acc);
    return acc;
  }
}
