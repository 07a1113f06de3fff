package bitlab.integer.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bitlab.cpu.CpuFeatures;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * oneDNN's accumulators equal the reference's whatever implementation it picks on this CPU (and under
 * {@code -Dbitlab.kernel.isa=avx2}, which the build runs as a second pass over these tests): the largest
 * sums real layers make, where a saturating 16-bit pair or a float conversion would show, and grouped
 * and depthwise layers of odd shapes.
 */
class DnnlConvKernelTest {

  @BeforeEach
  void onednnRunsHere() {
    Assumptions.assumeTrue(
        ConvKernels.dnnlAvailable(new ConvGeometry(1, 1, 1, 1, 1, 0, 0, 1, 1, 1)),
        "oneDNN does not run here");
  }

  @Test
  void the_largest_sums_of_real_layers_are_exact() {
    // ResNet-18's widest 3x3 and a 1x1 over 1024 channels: |sums| reach 255·128·4608 = 150 million,
    // far past 2^24
    List<ConvGeometry> shapes = List.of(
        new ConvGeometry(512, 32, 3, 3, 1, 1, 1, 1, 7, 7),
        new ConvGeometry(256, 16, 3, 3, 2, 1, 1, 1, 13, 13),
        new ConvGeometry(1024, 16, 1, 1, 1, 0, 0, 1, 7, 7),
        new ConvGeometry(3, 16, 7, 7, 2, 3, 3, 1, 29, 29));
    for (ConvGeometry g : shapes) {
      for (int w : new int[] {127, -128}) {
        for (boolean unsigned : new boolean[] {true, false}) {
          byte[] weights = new byte[g.weightSize()];
          Arrays.fill(weights, (byte) w);
          weights[1] = (byte) (w > 0 ? 126 : -127); // odd sums, which a float would round
          byte[] x = new byte[2 * g.inputSize()];
          Arrays.fill(x, (byte) (unsigned ? 255 : -128));
          x[3] = (byte) (unsigned ? 254 : -127);
          int zp = unsigned ? 0 : 127;
          int[] want = accumulate(ConvKernels.reference(g, weights, unsigned, zp), x, 2);
          ConvKernel k = ConvKernels.dnnl(g, weights, unsigned, zp);
          assertArrayEquals(
              want,
              accumulate(k, x, 2),
              () -> g + " w=" + w + (unsigned ? " unsigned" : " signed") + ": " + k.detail(2));
          byte[] codes = new byte[want.length];
          k.requantize(x, 2, FastKernelsTest.EPILOGUE, codes);
          assertArrayEquals(
              FastKernelsTest.codes(g, 2, want),
              codes,
              () -> "epilogue: " + g + " w=" + w + ": " + k.detail(2));
        }
      }
    }
  }

  @Test
  void eight_bit_weights_take_one_pass_with_vnni_and_two_without() {
    ConvGeometry g = new ConvGeometry(64, 16, 3, 3, 1, 1, 1, 1, 8, 8);
    Random r = new Random(5);
    byte[] weights = FastKernelsTest.codes(r, g.weightSize(), false);
    byte[] x = FastKernelsTest.codes(r, g.inputSize(), true);
    ConvKernel k = ConvKernels.dnnl(g, weights, true, 0);
    assertEquals("", k.detail(1), "no plan before the first call");
    assertArrayEquals(
        accumulate(ConvKernels.reference(g, weights, true, 0), x, 1), accumulate(k, x, 1));
    String detail = k.detail(1);
    assertTrue(
        detail.contains("ms in oneDNN") && detail.contains("reading its sums and requantizing"),
        "the profile splits the layer's time: " + detail);
    if (CpuFeatures.current().exactInt8Dot()) {
      assertTrue(
          detail.contains(", one pass") && (detail.contains("vnni") || detail.contains("amx")),
          CpuFeatures.current() + ": " + detail);
    } else {
      assertTrue(detail.contains("split into two passes"), CpuFeatures.current() + ": " + detail);
    }
    // 7-bit weights never need the split
    byte[] seven = weights.clone();
    for (int i = 0; i < seven.length; i++) seven[i] = (byte) Math.max(-63, Math.min(63, seven[i]));
    ConvKernel k7 = ConvKernels.dnnl(g, seven, true, 0);
    assertArrayEquals(
        accumulate(ConvKernels.reference(g, seven, true, 0), x, 1), accumulate(k7, x, 1));
    assertTrue(k7.detail(1).contains("one pass"), k7.detail(1));
  }

  @Test
  void grouped_and_depthwise_layers_of_odd_shapes_match_the_reference() {
    Random r = new Random(11);
    for (int i = 0; i < 40; i++) {
      int k = 1 + r.nextInt(5), stride = 1 + r.nextInt(3), pad = r.nextInt(3);
      int h = Math.max(k, 1 + r.nextInt(19)), w = Math.max(k, 1 + r.nextInt(19));
      int groups = 2 + r.nextInt(30),
          mult = i % 3 == 0 ? 1 + r.nextInt(3) : 1,
          gin = i % 4 == 1 ? 1 + r.nextInt(4) : 1;
      ConvGeometry g =
          new ConvGeometry(groups * gin, groups * mult, k, k, stride, pad, pad, groups, h, w);
      if (!DnnlConvKernel.eligible(g)) continue;
      boolean unsigned = r.nextBoolean();
      int zp = unsigned ? r.nextInt(256) : r.nextInt(256) - 128;
      int batch = 1 + r.nextInt(3);
      byte[] weights = FastKernelsTest.codes(r, g.weightSize(), false);
      byte[] x = FastKernelsTest.codes(r, batch * g.inputSize(), unsigned);
      ConvKernel dnnl = ConvKernels.dnnl(g, weights, unsigned, zp);
      int[] want = accumulate(ConvKernels.reference(g, weights, unsigned, zp), x, batch);
      assertArrayEquals(
          want,
          accumulate(dnnl, x, batch),
          () -> g + (unsigned ? " unsigned" : " signed") + " zp " + zp + ": " + dnnl.detail(batch));
      byte[] codes = new byte[want.length];
      dnnl.requantize(x, batch, FastKernelsTest.EPILOGUE, codes);
      assertArrayEquals(
          FastKernelsTest.codes(g, batch, want),
          codes,
          () -> "epilogue: " + g + ": " + dnnl.detail(batch));
    }
  }

  @Test
  void layers_cut_into_strips_of_rows_and_groups_of_images_match_the_reference() {
    // large enough to be cut at the default threshold: one image in strips of rows (each with its
    // own top and
    // bottom padding), several images in groups
    List<ConvGeometry> shapes = List.of(
        new ConvGeometry(64, 32, 3, 3, 2, 1, 1, 1, 27, 25),
        new ConvGeometry(48, 32, 5, 5, 1, 2, 2, 1, 19, 17),
        new ConvGeometry(3, 64, 7, 7, 2, 3, 3, 1, 61, 61),
        new ConvGeometry(96, 96, 3, 3, 2, 1, 1, 96, 113, 111),
        new ConvGeometry(200, 300, 1, 1, 1, 0, 0, 1, 9, 9));
    // with helpers always asked the pieces run; with none (a busy machine) the same plan runs the
    // layer as one piece
    Random r = new Random(13);
    try {
      for (Parallel.Helpers helpers : List.of(Parallel.Helpers.ALWAYS, Parallel.Helpers.NEVER)) {
        Parallel.helpers(helpers);
        for (ConvGeometry g : shapes) {
          for (int batch : new int[] {1, 3}) {
            boolean unsigned = batch == 1;
            int zp = unsigned ? 3 : -5;
            byte[] weights = FastKernelsTest.codes(r, g.weightSize(), false);
            byte[] x = FastKernelsTest.codes(r, batch * g.inputSize(), unsigned);
            ConvKernel k = ConvKernels.dnnl(g, weights, unsigned, zp);
            int[] want = accumulate(ConvKernels.reference(g, weights, unsigned, zp), x, batch);
            assertArrayEquals(
                want,
                accumulate(k, x, batch),
                () -> helpers + ": " + g + " batch " + batch + ": " + k.detail(batch));
            byte[] codes = new byte[want.length];
            k.requantize(x, batch, FastKernelsTest.EPILOGUE, codes);
            assertArrayEquals(
                FastKernelsTest.codes(g, batch, want),
                codes,
                () -> helpers + ", epilogue: " + g + " batch " + batch + ": " + k.detail(batch));
            if (OmpThreads.AVAILABLE && Parallel.defaultThreads() > 1) {
              assertTrue(k.detail(batch).contains(" pieces"), k.detail(batch));
              assertEquals(
                  helpers == Parallel.Helpers.NEVER,
                  k.detail(batch).contains(": the machine was busy"),
                  k.detail(batch));
            }
          }
        }
      }
    } finally {
      Parallel.helpers(Parallel.Helpers.MEASURE);
    }
  }

  @Test
  void channels_last_codes_match_the_reference_in_either_input_layout() {
    // 1x1 layers without padding take their zero-point correction per channel; padded ones per
    // position
    List<ConvGeometry> shapes = List.of(
        new ConvGeometry(24, 144, 1, 1, 1, 0, 0, 1, 14, 13),
        new ConvGeometry(40, 16, 3, 3, 1, 1, 1, 1, 9, 11),
        new ConvGeometry(32, 32, 3, 3, 2, 1, 1, 32, 15, 15),
        new ConvGeometry(96, 96, 1, 1, 1, 0, 0, 1, 28, 28));
    // a 3x3 layer with padding 1 over 9x11: its border is the outer ring of the 9x11 map
    boolean[] ring = DnnlConvKernel.border(shapes.get(1));
    int onBorder = 0;
    for (boolean b : ring) onBorder += b ? 1 : 0;
    assertEquals(9 * 11 - 7 * 9, onBorder);
    assertTrue(!ring[12] && ring[0] && ring[10] && ring[98], "inside, corners");
    Random r = new Random(17);
    try {
      for (Parallel.Helpers helpers : List.of(Parallel.Helpers.ALWAYS, Parallel.Helpers.NEVER)) {
        Parallel.helpers(helpers);
        for (ConvGeometry g : shapes) {
          for (boolean unsigned : new boolean[] {true, false}) {
            int batch = unsigned ? 1 : 3, zp = unsigned ? 5 : 0;
            byte[] weights = FastKernelsTest.codes(r, g.weightSize(), false);
            byte[] x = FastKernelsTest.codes(r, batch * g.inputSize(), unsigned);
            DnnlConvKernel k = (DnnlConvKernel) ConvKernels.dnnl(g, weights, unsigned, zp);
            assertEquals(
                g.kernelH() == 1 && g.padH() == 0,
                k.border == null,
                g + ": a correction the same at every position");
            byte[] want = nhwc(
                FastKernelsTest.codes(
                    g,
                    batch,
                    accumulate(ConvKernels.reference(g, weights, unsigned, zp), x, batch)),
                batch,
                g.outChannels(),
                g.outH() * g.outW());
            for (boolean inputNhwc : new boolean[] {false, true}) {
              byte[] in = inputNhwc ? nhwc(x, batch, g.inChannels(), g.inH() * g.inW()) : x;
              byte[] codes = new byte[want.length];
              k.requantizeNhwc(in, inputNhwc, batch, FastKernelsTest.EPILOGUE, codes);
              assertArrayEquals(
                  want,
                  codes,
                  () -> helpers + ", " + g + (unsigned ? " unsigned" : " signed") + ", "
                      + (inputNhwc ? "NHWC" : "NCHW") + " input: " + k.detail(batch));
            }
          }
        }
      }
    } finally {
      Parallel.helpers(Parallel.Helpers.MEASURE);
    }
  }

  /** NCHW values of {@code batch} images of {@code channels} planes of {@code hw}, channels-last. */
  static byte[] nhwc(byte[] v, int batch, int channels, int hw) {
    byte[] out = new byte[v.length];
    for (int n = 0; n < batch; n++)
      for (int c = 0; c < channels; c++)
        for (int p = 0; p < hw; p++)
          out[(n * hw + p) * channels + c] = v[(n * channels + c) * hw + p];
    return out;
  }

  @Test
  void pieces_cover_the_output_once_and_keep_their_sums_in_the_cache() {
    long max = DnnlPlan.PIECE_INTS;
    // MobileNet-V2's 112x112 expansion, a 56x56 layer, a small one, one 7x7 layer of many channels
    List<ConvGeometry> shapes = List.of(
        new ConvGeometry(16, 96, 1, 1, 1, 0, 0, 1, 112, 112),
        new ConvGeometry(64, 64, 3, 3, 1, 1, 1, 1, 56, 56),
        new ConvGeometry(16, 32, 3, 3, 1, 1, 1, 1, 14, 14),
        new ConvGeometry(320, 1280, 1, 1, 1, 0, 0, 1, 7, 7));
    for (ConvGeometry g : shapes) {
      for (int batch : new int[] {1, 3, 8}) {
        for (int want : new int[] {1, 2}) {
          List<int[]> pieces = DnnlPlan.rectangles(g, batch, want, max);
          int[] covered = new int[batch * g.outH()];
          for (int[] r : pieces) {
            long ints = (long) (r[1] - r[0]) * (r[3] - r[2]) * g.outW() * g.outChannels();
            assertTrue(
                ints <= max || (r[1] - r[0] == 1 && r[3] - r[2] == 1),
                g + " batch " + batch + ": a piece of " + ints + " sums");
            for (int n = r[0]; n < r[1]; n++)
              for (int y = r[2]; y < r[3]; y++) covered[n * g.outH() + y]++;
          }
          for (int c : covered) assertEquals(1, c, g + " batch " + batch + ": every row once");
          long all = (long) batch * g.outputSize();
          assertTrue(
              pieces.size() >= Math.min(want, batch * g.outH()),
              g + " batch " + batch + ": at least the pieces wanted");
          if (all <= max && batch >= want)
            assertEquals(want, pieces.size(), g + " batch " + batch + ": no more than wanted");
        }
      }
    }
    // 1.2 million sums per image: ten strips of each image
    assertEquals(
        80,
        DnnlPlan.rectangles(new ConvGeometry(16, 96, 1, 1, 1, 0, 0, 1, 112, 112), 8, 2, max)
            .size());
  }

  @Test
  void pieces_run_on_one_thread_share_its_buffers_and_each_reads_its_own_sums() {
    // a small layer, a large one that grows the thread's buffer past the small one's, the small one
    // again (its oneDNN output still bound to the replaced buffer unless it binds again), and one
    // whose pieces are too large to share: each call against the reference, channels-last and NCHW
    List<ConvGeometry> shapes = List.of(
        new ConvGeometry(8, 16, 1, 1, 1, 0, 0, 1, 5, 5),
        new ConvGeometry(16, 96, 1, 1, 1, 0, 0, 1, 40, 40),
        new ConvGeometry(8, 16, 1, 1, 1, 0, 0, 1, 5, 5),
        new ConvGeometry(16, 96, 3, 3, 1, 1, 1, 1, 56, 56));
    Random r = new Random(29);
    long pieceInts = ConvKernels.pieceInts();
    try {
      for (int i = 0; i < shapes.size(); i++) {
        ConvGeometry g = shapes.get(i);
        // the last layer's pieces get more sums than the thread's buffers are shared for
        ConvKernels.pieceInts(i == 3 ? DnnlPiece.SHARED_MAX * 4 : pieceInts);
        boolean unsigned = i % 2 == 0;
        int batch = 2, zp = unsigned ? 3 : -4;
        byte[] weights = FastKernelsTest.codes(r, g.weightSize(), false);
        byte[] x = FastKernelsTest.codes(r, batch * g.inputSize(), unsigned);
        DnnlConvKernel k = (DnnlConvKernel) ConvKernels.dnnl(g, weights, unsigned, zp);
        int[] want = accumulate(ConvKernels.reference(g, weights, unsigned, zp), x, batch);
        for (int call = 0; call < 2; call++) {
          assertArrayEquals(want, accumulate(k, x, batch), g + ": " + k.detail(batch));
          byte[] wantCodes = nhwc(
              FastKernelsTest.codes(g, batch, want), batch, g.outChannels(), g.outH() * g.outW());
          byte[] codes = new byte[wantCodes.length];
          k.requantizeNhwc(
              nhwc(x, batch, g.inChannels(), g.inH() * g.inW()),
              true,
              batch,
              FastKernelsTest.EPILOGUE,
              codes);
          assertArrayEquals(wantCodes, codes, g + " channels-last: " + k.detail(batch));
        }
      }
    } finally {
      ConvKernels.pieceInts(pieceInts);
    }
    // two pieces of different layers on this thread: the second writes where the first did
    ConvGeometry a = shapes.get(0), b = shapes.get(1);
    DnnlPiece pa = new DnnlPiece(a, 0, 1, 0, a.outH(), new int[] {0, 8}, new byte[][] {
      FastKernelsTest.codes(r, a.weightSize(), false)
    });
    DnnlPiece pb = new DnnlPiece(b, 0, 1, 0, 4, new int[] {0, 16}, new byte[][] {
      FastKernelsTest.codes(r, b.weightSize(), false)
    });
    pa.run(FastKernelsTest.codes(r, a.inputSize(), true), 0);
    assertTrue(pa.sums[0] == SharedSums.ints(0), "a small piece writes the thread's buffer");
    pb.run(FastKernelsTest.codes(r, b.inputSize(), true), 0);
    assertTrue(pb.sums[0] == SharedSums.ints(0), "and so does the next piece");
    ConvGeometry c = shapes.get(3);
    DnnlPiece pc = new DnnlPiece(c, 0, 1, 0, c.outH(), new int[] {0, 16}, new byte[][] {
      FastKernelsTest.codes(r, c.weightSize(), false)
    });
    assertTrue(
        (long) c.outputSize() > DnnlPiece.SHARED_MAX, "a piece of " + c.outputSize() + " sums");
    pc.run(FastKernelsTest.codes(r, c.inputSize(), true), 0);
    assertFalse(pc.sums[0] == SharedSums.ints(0), "a larger piece keeps buffers of its own");
  }

  @Test
  void a_layers_time_is_split_between_onednn_and_java() {
    assertEquals(
        "median of 3 calls: 1.500 ms in oneDNN, 0.500 ms reading its sums and requantizing (25%)",
        DnnlPlan.split(
            new long[] {1_500_000, 9_000_000, 1_000_000, 7},
            new long[] {500_000, 400_000, 90_000_000, 7},
            3));
  }

  @Test
  void implementations_are_classified_by_what_they_compute() {
    assertTrue(DnnlConvKernel.exactPairs("brgconv:avx512_core_amx_int8"));
    assertTrue(DnnlConvKernel.exactPairs("jit_uni_int8:avx2_vnni"));
    assertTrue(DnnlConvKernel.exactPairs("ref:any"));
    assertFalse(DnnlConvKernel.exactPairs("jit_uni_int8:avx2"), "vpmaddubsw saturates pairs");
    assertFalse(
        DnnlConvKernel.exactPairs("jit_int8:avx512_core"),
        "AVX-512 without VNNI saturates pairs too");
    assertTrue(DnnlConvKernel.exactInt32("brgconv_1x1:avx512_core_vnni"));
    assertTrue(DnnlConvKernel.exactInt32("brdgmm_dw:avx512_core_vnni"));
    assertFalse(DnnlConvKernel.exactInt32("jit_uni_int8:avx2_vnni"), "converts through float");
    assertFalse(DnnlConvKernel.exactInt32("ref:any"), "converts through float");
  }

  @Test
  void a_grouped_layer_whose_sums_could_pass_two_to_the_24_is_left_to_java() {
    ConvGeometry wide =
        new ConvGeometry(1024, 2, 3, 3, 1, 1, 1, 2, 4, 4); // 512 channels per group, not chunked
    assertFalse(DnnlConvKernel.eligible(wide));
    assertTrue(DnnlConvKernel.eligible(new ConvGeometry(960, 960, 3, 3, 1, 1, 1, 960, 7, 7)));
    assertTrue(
        DnnlConvKernel.eligible(new ConvGeometry(512, 512, 3, 3, 1, 1, 1, 1, 7, 7)),
        "one group: chunked where needed");
  }

  private static int[] accumulate(ConvKernel k, byte[] x, int batch) {
    int[] acc = new int[batch * k.geometry().outputSize()];
    Arrays.fill(acc, 0x5EED);
    k.accumulate(x, batch, acc);
    return acc;
  }
}
