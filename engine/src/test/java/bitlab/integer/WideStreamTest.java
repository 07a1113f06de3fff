package bitlab.integer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import bitlab.integer.kernel.ConvGeometry;
import bitlab.integer.kernel.ConvKernel;
import bitlab.integer.kernel.ConvKernels;
import bitlab.model.Shape;
import bitlab.quant.QuantParams;
import bitlab.quant.QuantSpec;
import bitlab.quant.Rounding;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The fast paths of the 16-bit residual stream (issue 17's default below W8A8) against the scalar arithmetic the
 * simulation uses, code for code: a layer writing the stream through oneDNN's sums ({@link WideEpilogue}), the
 * layer added into a wide branch ({@link WideAddEpilogue}), the residual addition, the narrow view a layer reads
 * ({@link RescaleStep}) and the max pool over 16-bit codes, channels-last as the fast kernels hand them on. Codes at
 * both ends of the 16-bit ranges, signed and unsigned, with and without zero points, channel counts that leave
 * tails after the vector lanes, every rounding mode.
 */
class WideStreamTest {
  private static final Rounding[] ROUNDINGS = Rounding.values();

  /** Unsigned and signed 16-bit quantizers, each without and with a zero point. */
  private static List<QuantParams> wide16() {
    return List.of(
        params(16, false, 0.001f, 0),
        params(16, false, 0.001f, 4321),
        params(16, true, 0.002f, 0),
        params(16, true, 0.002f, -1234));
  }

  private static QuantParams params(int bits, boolean signed, float scale, int zero) {
    return new QuantParams(
        QuantSpec.activations(bits, signed), new float[] {scale}, new int[] {zero});
  }

  /** Random codes of {@code p}, a tenth of them at its two ends. */
  private static IntTensor codes(Shape shape, int batch, QuantParams p, Random r, boolean nhwc) {
    int n = batch * (int) shape.elements(), lo = p.spec().qmin(), hi = p.spec().qmax();
    short[] w = IntTensor.wide(p) ? new short[n] : null;
    byte[] b = w == null ? new byte[n] : null;
    for (int i = 0; i < n; i++) {
      int v = switch (r.nextInt(20)) {
        case 0 -> lo;
        case 1 -> hi;
        default -> lo + r.nextInt(hi - lo + 1);
      };
      if (w != null) w[i] = (short) v;
      else b[i] = (byte) v;
    }
    IntTensor t = new IntTensor(shape, batch, b, w, p, false);
    return nhwc ? t.toNhwc() : t;
  }

  private static void sameCodes(IntTensor want, IntTensor got, String what) {
    IntTensor a = want.nchw(), b = got.nchw();
    assertEquals(a.wide(), b.wide(), what + ": container");
    assertEquals(a.length(), b.length(), what);
    for (int i = 0; i < a.length(); i++) assertEquals(a.code(i), b.code(i), what + " at " + i);
  }

  private static long[] simulated(Step s, List<IntTensor> in) {
    double[] d = s.simulate(in.stream().map(IntTensor::codesArray).toList())
        .dup('c')
        .data()
        .asDouble();
    long[] out = new long[d.length];
    for (int i = 0; i < d.length; i++) out[i] = (long) d[i];
    return out;
  }

  private static void matchesSimulation(Step s, List<IntTensor> in, String what) {
    IntTensor got = s.run(in).nchw();
    long[] want = simulated(s, in);
    assertEquals(want.length, got.length(), what);
    for (int i = 0; i < want.length; i++) assertEquals(want[i], got.code(i), what + " at " + i);
  }

  @Test
  void theEpilogueWritingTheStreamIsTheScalarRequantization() {
    Random r = new Random(17);
    for (int channels : new int[] {3, 8, 13, 27, 64}) {
      for (QuantParams out : wide16()) {
        for (Rounding rounding : ROUNDINGS) {
          int positions = 7, n = positions * channels;
          int[] acc = new int[n], bias = new int[channels];
          Dyadic[] m = new Dyadic[channels];
          for (int c = 0; c < channels; c++) {
            bias[c] = r.nextInt(20001) - 10000;
            // large multipliers drive codes past both ends of the range
            m[c] = Dyadic.of(Math.scalb(0.5 + r.nextDouble(), -r.nextInt(14)));
          }
          for (int i = 0; i < n; i++)
            acc[i] = r.nextInt(8) == 0
                ? (r.nextBoolean() ? 1 << 27 : -(1 << 27))
                : r.nextInt(1 << 20) - (1 << 19);
          // both ends for certain: the first two channels at multiplier 1 and the largest sums
          m[0] = m[1] = Dyadic.of(1.0);
          acc[0] = 1 << 27;
          acc[1] = -(1 << 27);
          int lo = out.spec().qmin(), hi = out.spec().qmax(), z = out.zeroPoint(0);
          short[] want = new short[n];
          for (int p = 0; p < positions; p++)
            for (int c = 0; c < channels; c++) {
              int i = p * channels + c;
              want[i] = (short) Requant.code(acc[i] + bias[c], m[c], rounding, z, lo, hi);
            }
          String what = channels + " channels, " + out.spec() + " zero " + z + ", " + rounding;

          WideEpilogue e = new WideEpilogue(n + 5, bias, m, rounding, z, lo, hi);
          e.positions(acc, 0, positions, channels, null, 5);
          assertArrayEquals(want, java.util.Arrays.copyOfRange(e.out, 5, n + 5), what);

          ByteBuffer native32 =
              ByteBuffer.allocateDirect(4 * (n + 3)).order(ByteOrder.nativeOrder());
          for (int i = 0; i < n; i++) native32.putInt(4 * (i + 3), acc[i]);
          WideEpilogue f = new WideEpilogue(n, bias, m, rounding, z, lo, hi);
          f.positions(native32, 3, positions, channels, null, 0);
          assertArrayEquals(want, f.out, what + ", oneDNN's buffer");

          // a zero-point correction per channel, folded into the bias as oneDNN's in-place read
          // asks
          int[] minus = new int[channels];
          for (int c = 0; c < channels; c++) minus[c] = r.nextInt(4001) - 2000;
          short[] wantMinus = new short[n];
          for (int i = 0; i < n; i++) {
            int c = i % channels;
            wantMinus[i] =
                (short) Requant.code((acc[i] - minus[c]) + bias[c], m[c], rounding, z, lo, hi);
          }
          WideEpilogue h = new WideEpilogue(n, bias, m, rounding, z, lo, hi);
          h.positionsMinus(native32, 3, positions, channels, minus, null, 0);
          h.positionsMinus(
              native32, 3, positions, channels, minus, null, 0); // the folded bias kept
          assertArrayEquals(wantMinus, h.out, what + ", less a correction per channel");

          WideEpilogue g = new WideEpilogue(n, bias, m, rounding, z, lo, hi);
          for (int c = 0; c < channels; c++) {
            short[] column = new short[positions];
            g.codes(c, acc, c, channels, positions, null, c * positions);
            for (int p = 0; p < positions; p++) column[p] = want[p * channels + c];
            assertArrayEquals(
                column,
                java.util.Arrays.copyOfRange(g.out, c * positions, (c + 1) * positions),
                what + ", strided");
          }
          // the codes reach both ends of the range
          int min = Integer.MAX_VALUE, max = Integer.MIN_VALUE;
          for (short v : want) {
            int code = out.spec().signed() ? v : v & 0xFFFF;
            min = Math.min(min, code);
            max = Math.max(max, code);
          }
          assertTrue(min == lo && max == hi, what + ": " + min + ".." + max);
        }
      }
    }
  }

  /** The kernel named ({@code dnnl}: channels-last; {@code java}: the Vector API kernels; {@code reference}), or null where it does not run. */
  private static ConvKernel kernel(
      String which, ConvGeometry g, byte[] w, boolean unsigned, int zero) {
    return switch (which) {
      case "dnnl" -> ConvKernels.dnnlAvailable(g) ? ConvKernels.dnnl(g, w, unsigned, zero) : null;
      case "java" -> ConvKernels.java(g, w, unsigned, zero, 2);
      default -> ConvKernels.reference(g, w, unsigned, zero);
    };
  }

  /**
   * A layer writing the 16-bit stream through its kernel's epilogue: the codes are the simulation's, for signed and
   * unsigned inputs with zero points, output channel counts with tails, a stride and padding; channels-last on oneDNN,
   * NCHW on the Java kernels.
   */
  @ParameterizedTest
  @ValueSource(strings = {"dnnl-8", "dnnl-13", "dnnl-27", "java-8", "java-13", "reference-13"})
  void aLayerWritesTheStreamAsTheSimulationDoes(String kernelAndChannels) {
    String which = kernelAndChannels.split("-")[0];
    int outChannels = Integer.parseInt(kernelAndChannels.split("-")[1]);
    ConvGeometry g = new ConvGeometry(5, outChannels, 3, 3, 2, 1, 1, 1, 9, 11);
    Random r = new Random(outChannels);
    Shape in = Shape.image(5, 9, 11), outShape = Shape.image(outChannels, g.outH(), g.outW());
    for (QuantParams inQ : List.of(params(4, false, 0.1f, 0), params(8, true, 0.05f, -3))) {
      byte[] w = new byte[outChannels * g.fanIn()];
      for (int i = 0; i < w.length; i++) w[i] = (byte) (r.nextInt(255) - 127);
      int[] bias = new int[outChannels];
      for (int c = 0; c < outChannels; c++) bias[c] = r.nextInt(2001) - 1000;
      ConvKernel k = kernel(which, g, w, !inQ.spec().signed(), inQ.zeroPoint(0));
      assumeTrue(k != null, "oneDNN does not run here");
      LayerAccumulator layer =
          new LayerAccumulator("conv", g, false, PackedCodes.pack(w, 8), bias, k);
      for (QuantParams out : wide16()) {
        for (Rounding rounding : ROUNDINGS) {
          Dyadic[] m = new Dyadic[outChannels];
          for (int c = 0; c < outChannels; c++)
            m[c] = Dyadic.of(Math.scalb(0.5 + r.nextDouble(), -r.nextInt(6)));
          ConvStep s = new ConvStep(
              "conv",
              "Conv",
              "x",
              inQ.zeroPoint(0),
              outShape,
              layer,
              m,
              out,
              out.spec().qmin(),
              out.spec().qmax(),
              rounding);
          String what = outChannels + " channels, " + inQ.spec() + " in, " + out.spec() + " zero "
              + out.zeroPoint(0) + ", " + rounding;
          for (boolean nhwc : new boolean[] {false, true}) {
            IntTensor x = codes(in, 3, inQ, r, nhwc);
            IntTensor o = s.run(List.of(x));
            assertTrue(o.wide(), what);
            assertEquals(k.channelsLast(), o.nhwc(), what + ": the kernel's layout");
            matchesSimulation(s, List.of(x), what + (nhwc ? ", NHWC input" : ""));
          }
        }
      }
    }
  }

  /** A layer added into a branch of the stream: branch and output each 16-bit or 8-bit, with zero points. */
  @ParameterizedTest
  @ValueSource(strings = {"dnnl-8", "dnnl-11", "dnnl-24", "java-11", "reference-8"})
  void aLayerAddedIntoTheStreamIsTheSimulation(String kernelAndChannels) {
    String which = kernelAndChannels.split("-")[0];
    int channels = Integer.parseInt(kernelAndChannels.split("-")[1]);
    ConvGeometry g = new ConvGeometry(channels, channels, 3, 3, 1, 1, 1, 1, 6, 7);
    Random r = new Random(100 + channels);
    Shape shape = Shape.image(channels, 6, 7);
    QuantParams inQ = params(4, false, 0.1f, 0);
    byte[] w = new byte[channels * g.fanIn()];
    for (int i = 0; i < w.length; i++) w[i] = (byte) (r.nextInt(15) - 7);
    int[] bias = new int[channels];
    for (int c = 0; c < channels; c++) bias[c] = r.nextInt(2001) - 1000;
    ConvKernel k = kernel(which, g, w, true, 0);
    assumeTrue(k != null, "oneDNN does not run here");
    LayerAccumulator layer =
        new LayerAccumulator("conv", g, false, PackedCodes.pack(w, 4), bias, k);
    List<QuantParams> branches = new java.util.ArrayList<>(wide16());
    branches.add(params(8, false, 0.02f, 7));
    branches.add(params(8, true, 0.03f, -5));
    List<QuantParams> outs = new java.util.ArrayList<>(wide16());
    outs.add(params(8, false, 0.05f, 3));
    for (QuantParams branch : branches) {
      for (QuantParams out : outs) {
        if (!IntTensor.wide(branch) && !IntTensor.wide(out)) continue; // the byte path's tests
        for (Rounding rounding : ROUNDINGS) {
          double[] accM = new double[channels];
          for (int c = 0; c < channels; c++)
            accM[c] = 0.1 * (0.01 + 0.02 * r.nextDouble()) / out.scale(0);
          double bM = branch.scale(0) / out.scale(0);
          int shift = AccumulatorAddStep.commonShift(accM, bM, branch.spec().bits());
          long[] f = new long[channels];
          for (int c = 0; c < channels; c++) f[c] = Math.round(Math.scalb(accM[c], shift));
          int lo = out.spec().qmin(), hi = out.spec().qmax();
          // a fused ReLU narrows the range to the code of 0 and above
          if (r.nextBoolean()) lo = Math.max(lo, out.zeroPoint(0));
          AccumulatorAddStep s = new AccumulatorAddStep(
              "add",
              "Conv+Add+ReLU",
              "x",
              0,
              "b",
              shape,
              layer,
              f,
              branch.zeroPoint(0),
              Math.round(Math.scalb(bM, shift)),
              shift,
              out,
              lo,
              hi,
              rounding);
          String what = channels + " channels, branch " + branch.spec() + " zero "
              + branch.zeroPoint(0) + ", out " + out.spec() + " zero " + out.zeroPoint(0) + ", "
              + rounding;
          for (boolean nhwc : new boolean[] {false, true}) {
            IntTensor x = codes(shape, 2, inQ, r, nhwc), b = codes(shape, 2, branch, r, nhwc);
            IntTensor o = s.run(List.of(x, b));
            assertEquals(IntTensor.wide(out), o.wide(), what);
            assertEquals(k.channelsLast(), o.nhwc(), what + ": the kernel's layout");
            matchesSimulation(s, List.of(x, b), what + (nhwc ? ", NHWC" : ""));
          }
        }
      }
    }
  }

  /** The residual addition on words and bytes, in either layout, with tails after the vector lanes. */
  @Test
  void theResidualAdditionOnWordsIsTheSimulation() {
    Random r = new Random(5);
    Shape shape = Shape.image(5, 3, 7); // 105 codes per image: a tail after every multiple of eight
    List<QuantParams> all = new java.util.ArrayList<>(wide16());
    all.add(params(8, false, 0.02f, 9));
    all.add(params(4, true, 0.3f, 0));
    for (QuantParams a : all) {
      for (QuantParams b : all) {
        for (QuantParams out :
            List.of(wide16().get(1), wide16().get(3), params(8, false, 0.05f, 2))) {
          if (!IntTensor.wide(a) && !IntTensor.wide(b) && !IntTensor.wide(out)) continue;
          long[] f = ResidualStep.align(
              Dyadic.of(a.scale(0) / out.scale(0)), Dyadic.of(b.scale(0) / out.scale(0)), 16);
          for (Rounding rounding : ROUNDINGS) {
            ResidualStep s = new ResidualStep(
                "add",
                "Add",
                "a",
                "b",
                shape,
                a.zeroPoint(0),
                b.zeroPoint(0),
                f[0],
                f[1],
                (int) f[2],
                out,
                out.spec().qmin(),
                out.spec().qmax(),
                rounding);
            for (boolean nhwc : new boolean[] {false, true}) {
              IntTensor x = codes(shape, 3, a, r, nhwc), y = codes(shape, 3, b, r, !nhwc);
              IntTensor o = s.run(List.of(x, y));
              assertEquals(nhwc, o.nhwc(), "the first branch's layout");
              matchesSimulation(
                  s,
                  List.of(x, y),
                  a.spec() + " + " + b.spec() + " -> " + out.spec() + " " + rounding);
            }
          }
        }
      }
    }
  }

  /** The narrow view of the stream a layer reads, 16 bits to 2..8, and a 16-bit rescaling, in either layout. */
  @Test
  void theNarrowViewIsTheSimulation() {
    Random r = new Random(9);
    Shape shape = Shape.image(13, 3, 5);
    List<QuantParams> views = List.of(
        params(4, false, 0.3f, 0),
        params(2, false, 0.9f, 1),
        params(8, true, 0.04f, -6),
        params(7, false, 0.05f, 0),
        params(16, false, 0.0007f, 100));
    for (QuantParams from : wide16()) {
      for (QuantParams to : views) {
        for (Rounding rounding : ROUNDINGS) {
          RescaleStep s = new RescaleStep(
              "x@a" + to.spec().bits(),
              "Requant",
              List.of("x"),
              shape,
              new int[] {from.zeroPoint(0)},
              new Dyadic[] {Dyadic.of(from.scale(0) / to.scale(0))},
              to,
              to.spec().qmin(),
              to.spec().qmax(),
              rounding);
          for (boolean nhwc : new boolean[] {false, true}) {
            IntTensor x = codes(shape, 3, from, r, nhwc);
            IntTensor o = s.run(List.of(x));
            assertEquals(nhwc, o.nhwc(), "the view keeps the layout");
            assertEquals(IntTensor.wide(to), o.wide());
            matchesSimulation(s, List.of(x), from.spec() + " -> " + to.spec() + " " + rounding);
          }
        }
      }
    }
  }

  /**
   * The max pool over channels-last codes, 16-bit words and bytes, equals the NCHW pooling, signed and unsigned, at the
   * extremes.
   */
  @Test
  void theMaxPoolOverChannelsLastCodesIsTheSimulation() {
    Random r = new Random(11);
    for (int channels : new int[] {1, 7, 16, 37, 64, 100}) {
      Shape in = Shape.image(channels, 9, 8);
      // resnet's stem pool (3x3, stride 2, padding 1) and a window clipped at the end
      MaxPoolStep[] pools = {
        new MaxPoolStep("p", "x", in, Shape.image(channels, 5, 4), 3, 2, 1),
        new MaxPoolStep("p", "x", in, Shape.image(channels, 4, 4), 2, 2, 0)
      };
      for (MaxPoolStep pool : pools) {
        List<QuantParams> all = new java.util.ArrayList<>(wide16());
        all.addAll(List.of(
            params(8, false, 0.05f, 0),
            params(8, true, 0.05f, 0),
            params(8, true, 0.05f, -9),
            params(4, false, 0.1f, 3)));
        for (QuantParams p : all) {
          IntTensor x = codes(in, 2, p, r, true);
          IntTensor o = pool.run(List.of(x));
          assertEquals(x.wide(), o.wide(), p.spec() + ": container");
          sameCodes(pool.run(List.of(x.nchw())), o, channels + " channels " + p.spec());
          matchesSimulation(pool, List.of(x), channels + " channels " + p.spec());
        }
      }
    }
  }

  /** The global average pool over channels-last 16-bit codes (the stream's last step) is the simulation's. */
  @Test
  void theGlobalPoolOverChannelsLastWordsIsTheSimulation() {
    Random r = new Random(13);
    for (int channels : new int[] {5, 64}) {
      Shape in = Shape.image(channels, 7, 7);
      for (QuantParams p : wide16()) {
        for (QuantParams out :
            List.of(params(8, false, 0.05f, 0), params(16, false, 0.0008f, 17))) {
          Dyadic[] byCount = new Dyadic[50];
          byCount[0] = new Dyadic(0, 0);
          for (int k = 1; k < byCount.length; k++)
            byCount[k] = Dyadic.of(p.scale(0) / (out.scale(0) * (double) k));
          AvgPoolStep pool = new AvgPoolStep(
              "pool",
              "x",
              in,
              Shape.image(channels, 1, 1),
              true,
              AvgPoolStep.global(in),
              p.zeroPoint(0),
              byCount,
              out,
              Rounding.HALF_EVEN);
          IntTensor x = codes(in, 2, p, r, true);
          assertEquals(IntTensor.wide(out), pool.run(List.of(x)).wide());
          matchesSimulation(
              pool, List.of(x), channels + " channels " + p.spec() + " -> " + out.spec());
          sameCodes(pool.run(List.of(x.nchw())), pool.run(List.of(x)), "layouts");
        }
      }
    }
  }
}
