package bitlab.integer.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bitlab.cpu.CpuFeatures;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every fast kernel gives the reference loop's accumulators, bit for bit, over many seeded random
 * layers: channel counts, kernels, strides, paddings, groups (depthwise, with a channel
 * multiplier, grouped), linear layers, batches, signed and unsigned inputs, zero points, and
 * codes biased towards the extremes (-128, 127, 0, 255).
 */
class FastKernelsTest {
  private static long minParallelMacs;

  /** The shapes here are small: without this, every call would stay on one thread and the parallel paths go untested. */
  @BeforeAll
  static void parallelEvenForSmallShapes() {
    minParallelMacs = Parallel.minParallelMacs();
    Parallel.minParallelMacs(0);
  }

  @AfterAll
  static void restoreTheThreshold() {
    Parallel.minParallelMacs(minParallelMacs);
  }

  @Test
  void small_calls_stay_on_the_calling_thread() {
    assertEquals(4, Parallel.threadsFor(0, 4), "the tests lowered the threshold to 0");
    long saved = Parallel.minParallelMacs();
    try {
      Parallel.minParallelMacs(1000);
      Parallel.helpers(
          Parallel.Helpers.ALWAYS); // else a busy machine keeps the larger call on one thread too
      // (ParallelTest)
      assertEquals(1, Parallel.threadsFor(999, 4));
      assertEquals(4, Parallel.threadsFor(1000, 4));
    } finally {
      Parallel.minParallelMacs(saved);
      Parallel.helpers(Parallel.Helpers.MEASURE);
    }
  }

  /** One random layer with its inputs. */
  record Case(
      ConvGeometry g, byte[] weights, boolean unsigned, int zeroPoint, byte[] input, int batch) {
    @Override
    public String toString() {
      return g + (unsigned ? " unsigned" : " signed") + " zx=" + zeroPoint + " batch=" + batch;
    }
  }

  @Test
  void every_kernel_matches_the_reference_on_random_layers() {
    for (int i = 0; i < 300; i++) {
      int seed = i;
      Case c = randomCase(new Random(seed));
      int[] want = run(ConvKernels.reference(c.g(), c.weights(), c.unsigned(), c.zeroPoint()), c);
      // oneDNN compiles code for every new layer: a quarter of the layers are enough for it
      byte[] codes = codes(c.g(), c.batch(), want);
      for (ConvKernel k : fastKernels(c, 1 + seed % 3, seed % 4 == 0)) {
        assertArrayEquals(
            want, run(k, c), () -> "seed " + seed + ", kernel " + k.name() + ", " + c);
        assertArrayEquals(
            codes,
            requantized(k, c),
            () -> "epilogue: seed " + seed + ", kernel " + k.name() + ", " + c);
      }
    }
  }

  @Test
  void the_zoo_layer_shapes_match_the_reference() {
    // the families of ResNet-18 and MobileNet-V2 on small maps: stem, 3x3, 1x1 with stride 2,
    // depthwise with stride 1 and 2, a linear layer, a 3-channel 7x7 stride-2 stem
    List<ConvGeometry> shapes = List.of(
        new ConvGeometry(3, 16, 7, 7, 2, 3, 3, 1, 30, 30),
        new ConvGeometry(32, 32, 3, 3, 1, 1, 1, 1, 14, 14),
        new ConvGeometry(32, 64, 1, 1, 2, 0, 0, 1, 14, 14),
        new ConvGeometry(48, 48, 3, 3, 1, 1, 1, 48, 17, 17),
        new ConvGeometry(48, 48, 3, 3, 2, 1, 1, 48, 17, 17),
        new ConvGeometry(16, 96, 1, 1, 1, 0, 0, 1, 12, 12),
        ConvGeometry.linear(200, 37));
    Random r = new Random(7);
    for (ConvGeometry g : shapes) {
      for (int batch : new int[] {1, 8}) {
        Case c = new Case(
            g,
            codes(r, g.weightSize(), false),
            true,
            0,
            codes(r, batch * g.inputSize(), true),
            batch);
        int[] want = run(ConvKernels.reference(g, c.weights(), true, 0), c);
        byte[] codes = codes(g, batch, want);
        for (ConvKernel k : fastKernels(c, 2)) {
          assertArrayEquals(want, run(k, c), () -> k.name() + ", " + c);
          assertArrayEquals(codes, requantized(k, c), () -> "epilogue: " + k.name() + ", " + c);
        }
      }
    }
  }

  @Test
  void extreme_codes_at_a_large_fan_in_match_the_reference() {
    // (x - zx) = 255 or -255 times -128 over 4608 products: the largest accumulators an 8-bit layer
    // of
    // ResNet-18 makes (oneDNN's float conversion is exact only below 2^24, its AVX2 pairs saturate
    // at 2^15)
    ConvGeometry g = new ConvGeometry(512, 8, 3, 3, 1, 1, 1, 1, 4, 4);
    byte[] w = new byte[g.weightSize()];
    java.util.Arrays.fill(w, (byte) -128);
    for (boolean unsigned : new boolean[] {true, false}) {
      byte[] x = new byte[2 * g.inputSize()];
      java.util.Arrays.fill(x, (byte) (unsigned ? 255 : -128));
      int zp = unsigned ? 0 : 127;
      Case c = new Case(g, w, unsigned, zp, x, 2);
      int[] want = run(ConvKernels.reference(g, w, unsigned, zp), c);
      assertEquals(
          (unsigned ? -1 : 1) * 4608 * 255 * 128,
          want[5],
          "an interior output sees the whole receptive field");
      for (ConvKernel k : fastKernels(c, 2)) {
        assertArrayEquals(want, run(k, c), k.name() + (unsigned ? " unsigned" : " signed"));
        assertArrayEquals(
            codes(g, 2, want),
            requantized(k, c),
            "epilogue: " + k.name() + (unsigned ? " unsigned" : " signed"));
      }
    }
  }

  @Test
  void java_picks_the_vector_kernel_for_each_layer_family() {
    String reason = ConvKernels.vectorUnavailableReason();
    Assumptions.assumeFalse(
        reason != null && reason.contains("CPU"), "no 256-bit vectors on this CPU");
    assertNull(reason, "the build runs the tests with --add-modules jdk.incubator.vector");
    assertEquals(
        "vector-linear",
        ConvKernels.java(ConvGeometry.linear(4, 2), new byte[8], true, 0, 2).name());
    assertEquals(
        "vector-depthwise-c8",
        ConvKernels.java(new ConvGeometry(4, 4, 3, 3, 1, 1, 1, 4, 5, 5), new byte[36], true, 0, 2)
            .name());
    assertEquals(
        "vector-depthwise",
        ConvKernels.java(new ConvGeometry(4, 4, 3, 3, 1, 1, 1, 4, 40, 40), new byte[36], true, 0, 2)
            .name());
    assertEquals(
        "vector-gemm",
        ConvKernels.java(new ConvGeometry(4, 2, 1, 1, 1, 0, 0, 1, 5, 5), new byte[8], true, 0, 2)
            .name());
  }

  @Test
  void best_takes_onednn_with_vnni_and_times_it_against_java_without() {
    ConvGeometry g = new ConvGeometry(64, 8, 3, 3, 1, 1, 1, 1, 6, 6);
    Assumptions.assumeTrue(ConvKernels.dnnlAvailable(g), "oneDNN does not run here");
    ConvKernel best = ConvKernels.best(
        g, new byte[g.weightSize()], true, 0, Runtime.getRuntime().availableProcessors());
    if (CpuFeatures.current().exactInt8Dot()) {
      assertTrue(
          best instanceof DnnlConvKernel,
          "one exact oneDNN pass with " + CpuFeatures.current() + ", got " + best.name());
      assertTrue(ConvKernels.explain(best, 1).startsWith("oneDNN"), ConvKernels.explain(best, 1));
    } else {
      assertTrue(
          best instanceof FasterOfKernel,
          "without VNNI oneDNN's two passes are timed against Java, got " + best.name());
    }
  }

  @Test
  void without_vnni_weights_of_one_part_time_onednn_on_every_shape() {
    byte[] small = {64, -64, 7, 0}, big = {65, 0, 0, 0};
    assertTrue(ConvKernels.onePass(small), "|w| <= 64: one exact pass");
    assertFalse(ConvKernels.onePass(big));
    // MobileNet-V2's 6x expansion over 16 channels: Java's by the shape rule when 8-bit weights
    // need two passes
    ConvGeometry g = new ConvGeometry(16, 96, 1, 1, 1, 0, 0, 1, 12, 12);
    Assumptions.assumeTrue(ConvKernels.dnnlAvailable(g), "oneDNN does not run here");
    Assumptions.assumeFalse(
        CpuFeatures.current().exactInt8Dot(), "with VNNI oneDNN takes the layer untimed");
    int cores = Runtime.getRuntime().availableProcessors();
    byte[] w4 = new byte[g.weightSize()], w8 = new byte[g.weightSize()];
    java.util.Arrays.fill(w4, (byte) 7);
    java.util.Arrays.fill(w8, (byte) 7);
    w8[0] = 127;
    ConvKernel four = ConvKernels.best(g, w4, true, 0, cores),
        eight = ConvKernels.best(g, w8, true, 0, cores);
    assertTrue(
        four instanceof FasterOfKernel, "4-bit weights: one pass, timed; got " + four.name());
    assertEquals("vector-gemm", eight.name(), "8-bit weights: two passes, Java by the shape rule");
    // a depthwise layer likewise
    ConvGeometry dw = new ConvGeometry(32, 32, 3, 3, 1, 1, 1, 32, 12, 12);
    assertTrue(
        ConvKernels.best(dw, new byte[dw.weightSize()], true, 0, cores) instanceof FasterOfKernel);
  }

  @Test
  void the_faster_of_two_kernels_is_kept_with_the_same_accumulators() {
    ConvGeometry g = new ConvGeometry(64, 8, 3, 3, 1, 1, 1, 1, 6, 6);
    Assumptions.assumeTrue(ConvKernels.dnnlAvailable(g), "oneDNN does not run here");
    Random r = new Random(3);
    Case c = new Case(
        g, codes(r, g.weightSize(), false), false, -3, codes(r, 2 * g.inputSize(), false), 2);
    int[] want = run(ConvKernels.reference(g, c.weights(), false, -3), c);
    FasterOfKernel.forgetVerdicts();
    FasterOfKernel faster = new FasterOfKernel(
        ConvKernels.dnnl(g, c.weights(), false, -3),
        ConvKernels.java(g, c.weights(), false, -3, 2));
    assertTrue(faster.detail(2).startsWith("timing dnnl-int8 against "), faster.detail(2));
    long deadline = System.nanoTime() + 10 * FasterOfKernel.RETRY_AFTER_NANOS;
    for (int call = 0;
        call < FasterOfKernel.SETTLED || !faster.settled(2) && System.nanoTime() < deadline;
        call++) {
      int n = call;
      assertArrayEquals(want, run(faster, c), () -> "call " + n + " of " + faster.name());
      if (call == FasterOfKernel.FIRST_VERDICT + 1)
        assertTrue(
            faster.chosen(2) != null && !faster.settled(2),
            "a first verdict after its trial calls");
    }
    assertTrue(
        faster.settled(2),
        "the second trial decided after " + FasterOfKernel.SETTLED + " calls and a second");
    assertTrue(List.of("dnnl-int8", "vector-gemm").contains(faster.name()), faster.name());
    assertTrue(
        faster.detail(2).contains("timed faster than")
            || faster.detail(2).contains("the default: "),
        faster.detail(2));
  }

  @Test
  void onednn_is_offered_on_all_cores_only_and_without_vnni_only_where_it_pays() {
    ConvGeometry wide = new ConvGeometry(64, 8, 3, 3, 1, 1, 1, 1, 6, 6);
    Assumptions.assumeTrue(ConvKernels.dnnlAvailable(wide), "oneDNN does not run here");
    if (Runtime.getRuntime().availableProcessors() > 1) {
      ConvKernel one = ConvKernels.best(wide, new byte[wide.weightSize()], true, 0, 1);
      assertEquals("vector-gemm", one.name(), "one thread");
      assertEquals(
          "vector-gemm (oneDNN needs all cores; this layer was given fewer)",
          ConvKernels.explain(one, 1));
    }
    ConvGeometry linear = ConvGeometry.linear(512, 1000);
    assertEquals(
        "vector-linear (linear layers stay with Java's dot products)",
        ConvKernels.explain(ConvKernels.best(linear, new byte[linear.weightSize()], true, 0), 1));
    // without VNNI, MobileNet-V2's 1x1 layers with few products per output stay with Java
    assertTrue(
        ConvKernels.dnnlPays(new ConvGeometry(96, 24, 1, 1, 1, 0, 0, 1, 56, 56)),
        "projection 96->24");
    assertTrue(
        ConvKernels.dnnlPays(new ConvGeometry(160, 960, 1, 1, 1, 0, 0, 1, 7, 7)),
        "expansion over 160 channels");
    assertTrue(
        !ConvKernels.dnnlPays(new ConvGeometry(16, 96, 1, 1, 1, 0, 0, 1, 112, 112)), "fan-in 16");
    assertTrue(
        !ConvKernels.dnnlPays(new ConvGeometry(64, 384, 1, 1, 1, 0, 0, 1, 14, 14)),
        "6x expansion over 64 channels");
    assertTrue(!ConvKernels.dnnlPays(linear), "linear");
  }

  @Test
  void onednn_runs_on_linux_x86_64() {
    Assumptions.assumeTrue(System.getProperty("os.name").startsWith("Linux")
        && System.getProperty("os.arch").equals("amd64"));
    Assumptions.assumeTrue(
        CpuFeatures.current().isa() != CpuFeatures.Isa.NO_AVX2,
        "taken as a CPU without AVX2, where oneDNN is off");
    ConvGeometry g = new ConvGeometry(4, 2, 3, 3, 1, 1, 1, 1, 5, 5);
    assertTrue(ConvKernels.dnnlAvailable(g), "the Maven build ships oneDNN for linux-x86_64");
    assertEquals(
        "dnnl-int8", ConvKernels.dnnl(g, new byte[g.weightSize()], true, 0).name());
  }

  @Test
  void arrays_that_do_not_fit_and_zero_threads_are_refused_with_the_sizes() {
    ConvGeometry g = new ConvGeometry(2, 3, 3, 3, 1, 1, 1, 1, 4, 4);
    ConvKernel k = ConvKernels.best(g, new byte[g.weightSize()], true, 0);
    IllegalArgumentException small = assertThrows(
        IllegalArgumentException.class, () -> k.accumulate(new byte[31], 1, new int[48]));
    assertTrue(
        small.getMessage().contains("31") && small.getMessage().contains("32"), small.getMessage());
    IllegalArgumentException out = assertThrows(
        IllegalArgumentException.class, () -> k.accumulate(new byte[64], 2, new int[48]));
    assertTrue(out.getMessage().contains("96"), out.getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () -> ConvKernels.best(g, new byte[g.weightSize()], true, 0, 0));
  }

  static List<ConvKernel> fastKernels(Case c, int threads) {
    return fastKernels(c, threads, true);
  }

  static List<ConvKernel> fastKernels(Case c, int threads, boolean withDnnl) {
    List<ConvKernel> ks = new ArrayList<>();
    ks.add(ConvKernels.java(c.g(), c.weights(), c.unsigned(), c.zeroPoint(), threads));
    ks.add(ConvKernels.plain(c.g(), c.weights(), c.unsigned(), c.zeroPoint(), threads));
    if (withDnnl && ConvKernels.dnnlAvailable(c.g()))
      ks.add(ConvKernels.dnnl(c.g(), c.weights(), c.unsigned(), c.zeroPoint()));
    if (VectorSupport.AVAILABLE && c.g().groups() > 1 && c.g().groupIn() == 1) {
      // both depthwise kernels, whatever the width
      ks.add(new VectorDepthwiseKernel(c.g(), c.weights(), c.unsigned(), c.zeroPoint(), threads));
      ks.add(new VectorChannelDepthwiseKernel(
          c.g(), c.weights(), c.unsigned(), c.zeroPoint(), threads));
    }
    return ks;
  }

  static int[] run(ConvKernel k, Case c) {
    int[] acc = new int[c.batch() * c.g().outputSize()];
    java.util.Arrays.fill(acc, 0x5EED); // every accumulator must be written
    k.accumulate(c.input(), c.batch(), acc);
    return acc;
  }

  /**
   * A test epilogue that shows any misplaced or misread accumulator: a per-channel offset, a shift that keeps
   * the low bits in play, a clamp to the signed byte range.
   */
  static final Epilogue EPILOGUE = (channel, acc, from, stride, n, out, to) -> {
    for (int i = 0; i < n; i++)
      out[to + i] =
          (byte) Math.max(-128, Math.min(127, (acc[from + i * stride] + 37 * channel) >> 3));
  };

  /** What {@link #EPILOGUE} makes of NCHW accumulators, element by element. */
  static byte[] codes(ConvGeometry g, int batch, int[] acc) {
    byte[] out = new byte[acc.length];
    int plane = g.outH() * g.outW();
    for (int i = 0; i < acc.length; i++)
      EPILOGUE.codes((i / plane) % g.outChannels(), acc, i, 1, 1, out, i);
    return out;
  }

  static byte[] requantized(ConvKernel k, Case c) {
    byte[] out = new byte[c.batch() * c.g().outputSize()];
    java.util.Arrays.fill(out, (byte) 0x5E);
    k.requantize(c.input(), c.batch(), EPILOGUE, out);
    return out;
  }

  static Case randomCase(Random r) {
    int family = r.nextInt(6);
    int kh = 1 + r.nextInt(family == 5 ? 1 : 7), kw = r.nextBoolean() ? kh : 1 + r.nextInt(7);
    int stride = 1 + r.nextInt(3), ph = r.nextInt(4), pw = r.nextInt(4);
    int h = Math.max(1 + r.nextInt(16), kh - 2 * ph), w = Math.max(1 + r.nextInt(16), kw - 2 * pw);
    int in, out, groups;
    switch (family) {
      case 0, 1 -> {
        in = 1 + r.nextInt(40);
        out = 1 + r.nextInt(40);
        groups = 1;
      } // regular
      case 2 -> {
        in = 1 + r.nextInt(40);
        out = in;
        groups = in;
      } // depthwise
      case 3 -> {
        in = 1 + r.nextInt(12);
        out = in * (1 + r.nextInt(3));
        groups = in;
      } // channel multiplier
      case 4 -> {
        groups = 2 + r.nextInt(3);
        in = groups * (1 + r.nextInt(6));
        out = groups * (1 + r.nextInt(6));
      } // grouped
      default -> {
        in = 1 + r.nextInt(300);
        out = 1 + r.nextInt(70);
        groups = 1;
        h = 1;
        w = 1;
        kh = 1;
        kw = 1;
        ph = 0;
        pw = 0;
      } // linear
    }
    ConvGeometry g = new ConvGeometry(in, out, kh, kw, stride, ph, pw, groups, h, w);
    boolean unsigned = r.nextBoolean();
    int batch = r.nextInt(4) == 0 ? 8 : 1 + r.nextInt(3);
    int zp = switch (r.nextInt(4)) {
      case 0 -> 0;
      case 1 -> unsigned ? 255 : -128;
      case 2 -> unsigned ? 0 : 127;
      default -> unsigned ? r.nextInt(256) : r.nextInt(256) - 128;
    };
    return new Case(
        g,
        codes(r, g.weightSize(), false),
        unsigned,
        zp,
        codes(r, batch * g.inputSize(), unsigned),
        batch);
  }

  /** Random codes, a third of them at the ends of the range. */
  static byte[] codes(Random r, int n, boolean unsigned) {
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) {
      int v = switch (r.nextInt(6)) {
        case 0 -> unsigned ? 255 : 127;
        case 1 -> unsigned ? 0 : -128;
        default -> unsigned ? r.nextInt(256) : r.nextInt(256) - 128;
      };
      b[i] = (byte) v;
    }
    return b;
  }
}
