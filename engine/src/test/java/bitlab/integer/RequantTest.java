package bitlab.integer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import bitlab.quant.Rounding;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("slow")
class RequantTest {

  /** Accumulators that hit ties, both signs, the clamps and the int32 extremes. */
  private static int[] accumulators(Random r, int n) {
    int[] acc = new int[n];
    for (int i = 0; i < n; i++) {
      switch (i % 5) {
        case 0:
          acc[i] = r.nextInt();
          break;
        case 1:
          acc[i] = r.nextInt(4001) - 2000;
          break;
        case 2:
          acc[i] = (r.nextInt(201) - 100) * 2 + 1;
          break; // odd: ties when multiplied by 2^(shift-1)
        case 3:
          acc[i] = r.nextBoolean() ? Integer.MAX_VALUE : Integer.MIN_VALUE;
          break;
        default:
          acc[i] = r.nextInt(1 << 20) - (1 << 19);
      }
    }
    return acc;
  }

  /** The element-by-element definition: {@link Requant#code} in one loop, channel by channel. */
  private static byte[] oneByOne(
      int[] acc,
      int batch,
      int channels,
      int plane,
      Dyadic[] m,
      Rounding r,
      int zeroPoint,
      int lo,
      int hi) {
    byte[] out = new byte[acc.length];
    for (int n = 0; n < batch; n++) {
      for (int c = 0; c < channels; c++) {
        int base = (n * channels + c) * plane;
        for (int i = base; i < base + plane; i++)
          out[i] = (byte) Requant.code(acc[i], m[c], r, zeroPoint, lo, hi);
      }
    }
    return out;
  }

  @Test
  void theFastPassEqualsTheElementByElementDefinition() {
    Random r = new Random(7);
    int batch = 3, channels = 5, plane = 7000; // rows big enough to be split between cores
    int[] acc = accumulators(r, batch * channels * plane);
    Dyadic[] shapes = {
      Dyadic.of(0.00071),
      Dyadic.of(1.7),
      new Dyadic(1, 0),
      new Dyadic(3, 0),
      new Dyadic(1 << 29, 30),
      new Dyadic(1, 1),
      new Dyadic(1, 3),
      new Dyadic(Integer.MAX_VALUE, Dyadic.MAX_SHIFT),
      new Dyadic(0, 0),
      Dyadic.of(3e-9)
    };
    for (Rounding rounding : Rounding.values()) {
      for (int trial = 0; trial < shapes.length; trial++) {
        Dyadic[] m = new Dyadic[channels];
        for (int c = 0; c < channels; c++) m[c] = shapes[(trial + c) % shapes.length];
        for (int[] range :
            new int[][] {{0, 255, 0}, {0, 255, 37}, {-128, 127, 0}, {-8, 7, -1}, {0, 6, 0}}) {
          byte[] fast = Requant.channels(
              acc, batch, channels, plane, m, rounding, range[2], range[0], range[1]);
          byte[] slow =
              oneByOne(acc, batch, channels, plane, m, rounding, range[2], range[0], range[1]);
          assertArrayEquals(
              slow,
              fast,
              rounding + " with multipliers from " + m[0] + " into [" + range[0] + ", " + range[1]
                  + "]");
        }
      }
    }
  }

  /**
   * The epilogue the kernels apply (eight at a time in 64-bit lanes where the CPU has AVX-512, and on runs of any
   * length and stride) equals {@link Requant#code} of the accumulator plus the bias, element by element.
   */
  @Test
  void theKernelEpilogueEqualsTheDefinitionAtEveryStrideAndLength() {
    Random r = new Random(11);
    int[] acc = accumulators(r, 4099);
    for (int i = 0; i < acc.length; i += 7)
      acc[i] = acc[i] / 4; // room for the bias without wrapping
    Dyadic[] shapes = {
      Dyadic.of(0.00071),
      Dyadic.of(1.7),
      new Dyadic(1, 0),
      new Dyadic(3, 0),
      new Dyadic(1, 1),
      new Dyadic(1, 3),
      new Dyadic(Integer.MAX_VALUE, Dyadic.MAX_SHIFT),
      new Dyadic(0, 0),
      Dyadic.of(3e-9),
      new Dyadic(1 << 30, 31)
    };
    int[] bias = {0, 1, -1, 1000, -77777, 1 << 20, -(1 << 20), 5, 0, 123};
    for (Rounding rounding : Rounding.values()) {
      for (int[] range :
          new int[][] {{0, 255, 0}, {0, 255, 37}, {-128, 127, 0}, {-8, 7, -1}, {0, 6, 0}}) {
        RequantEpilogue e =
            new RequantEpilogue(bias, shapes, rounding, range[2], range[0], range[1]);
        for (int c = 0; c < shapes.length; c++) {
          for (int[] run :
              new int[][] {{0, 1, acc.length}, {3, 1, 13}, {5, 1, 7}, {1, 3, 1000}, {2, 64, 60}}) {
            int from = run[0], stride = run[1], n = run[2];
            byte[] got = new byte[n + 2];
            e.codes(c, acc, from, stride, n, got, 1);
            for (int i = 0; i < n; i++) {
              int a = acc[from + i * stride] + bias[c];
              assertEquals(
                  (byte) Requant.code(a, shapes[c], rounding, range[2], range[0], range[1]),
                  got[1 + i],
                  rounding + " " + shapes[c] + " bias " + bias[c] + " at " + i + " of a run of " + n
                      + " with stride " + stride);
            }
          }
        }
      }
    }
  }

  /**
   * Channels-last runs (oneDNN's sums, eight channels at a time each with its own multiplier and shift where the CPU
   * has AVX-512) give the codes the per-channel path gives, for channel counts on and off a multiple of eight, layers
   * with and without a shift of 0 (which keeps the scalar path) and every rounding, from a Java array and read in place
   * from native memory.
   */
  @Test
  void channelsLastRunsEqualTheDefinitionForEveryChannelCount() {
    Random r = new Random(5);
    for (int channels : new int[] {1, 3, 8, 13, 32, 40}) {
      for (boolean zeroShift : new boolean[] {false, true}) {
        Dyadic[] m = new Dyadic[channels];
        int[] bias = new int[channels];
        for (int c = 0; c < channels; c++) {
          m[c] = zeroShift && c == channels / 2
              ? new Dyadic(2, 0)
              : Dyadic.of(Math.scalb(0.5 + r.nextDouble(), -1 - r.nextInt(14)));
          bias[c] = r.nextInt(20_001) - 10_000;
        }
        int positions = 37;
        int[] acc = new int[positions * channels + 5];
        for (int i = 0; i < acc.length; i++)
          acc[i] = r.nextInt(1 << 15) - (1 << 14) + (i % 5 == 0 ? 1 << 8 : 0);
        for (Rounding rounding : Rounding.values()) {
          RequantEpilogue e = new RequantEpilogue(bias, m, rounding, 3, -128, 127);
          byte[] got = new byte[positions * channels + 7];
          e.positions(acc, 2, positions, channels, got, 4);
          // the same sums in native memory (as oneDNN leaves them), read in place
          java.nio.ByteBuffer nat = java.nio.ByteBuffer.allocateDirect(4 * acc.length)
              .order(java.nio.ByteOrder.nativeOrder());
          nat.asIntBuffer().put(acc);
          byte[] inPlace = new byte[got.length];
          e.positions(nat, 2, positions, channels, inPlace, 4);
          assertArrayEquals(got, inPlace, channels + " channels, " + rounding + ", read in place");
          for (int p = 0; p < positions; p++) {
            for (int c = 0; c < channels; c++) {
              int a = acc[2 + p * channels + c] + bias[c];
              assertEquals(
                  (byte) Requant.code(a, m[c], rounding, 3, -128, 127),
                  got[4 + p * channels + c],
                  channels + " channels, " + rounding + ", channel " + c + " (" + m[c]
                      + ") at position " + p);
            }
          }
        }
      }
    }
  }

  /**
   * A layer's accumulators added into a residual branch channels-last (eight channels at a time where the CPU has
   * AVX-512) equal the formula, {@code clamp(round(((acc + bias)·f_c + (b − zb)·f_b) / 2^s) + z, lo, hi)},
   * for every rounding, both signs of the branch's codes and channel counts on and off a multiple of eight.
   */
  @Test
  void theAccumulatorAddedIntoABranchEqualsItsFormulaChannelsLast() {
    Random r = new Random(17);
    for (int channels : new int[] {3, 8, 13, 24}) {
      int positions = 29, shift = 20 + r.nextInt(20);
      int[] bias = new int[channels];
      long[] factors = new long[channels];
      for (int c = 0; c < channels; c++) {
        bias[c] = r.nextInt(2001) - 1000;
        factors[c] = 1 + (r.nextLong() >>> 34);
      }
      long factorB = 1 + (r.nextLong() >>> 20);
      int[] acc = new int[positions * channels + 3];
      for (int i = 0; i < acc.length; i++) acc[i] = r.nextInt(1 << 20) - (1 << 19);
      byte[] branch = new byte[positions * channels + 9];
      r.nextBytes(branch);
      for (int mask : new int[] {0xFF, -1}) {
        int zb = mask == 0xFF ? 7 : -3;
        for (Rounding rounding : Rounding.values()) {
          byte[] got = new byte[branch.length];
          int done = bitlab.integer.kernel.VectorRequant.AVAILABLE
              ? bitlab.integer.kernel.VectorRequant.accumulatorAdd(
                  acc,
                  1,
                  positions,
                  channels,
                  bias,
                  factors,
                  branch,
                  mask,
                  zb,
                  factorB,
                  shift,
                  Requant.mode(rounding),
                  5,
                  -128,
                  127,
                  got,
                  4)
              : 0;
          assertEquals(bitlab.integer.kernel.VectorRequant.AVAILABLE ? channels & ~7 : 0, done);
          for (int p = 0; p < positions; p++) {
            for (int c = 0; c < done; c++) {
              long v = (long) (acc[1 + p * channels + c] + bias[c]) * factors[c]
                  + ((branch[4 + p * channels + c] & mask) - zb) * factorB;
              long want = Math.max(-128, Math.min(127, Dyadic.shiftRound(v, shift, rounding) + 5));
              assertEquals(
                  (byte) want,
                  got[4 + p * channels + c],
                  channels + " channels, " + rounding + ", mask " + mask + ", channel " + c
                      + " at position " + p);
            }
          }
        }
      }
    }
  }

  /** The residual addition on all cores (eight at a time where the CPU has AVX-512) equals its formula element by element. */
  @Test
  void theResidualAdditionEqualsItsFormulaForEveryModeAndSign() {
    Random r = new Random(3);
    int n = 40_000 + 5;
    byte[] a = new byte[n], b = new byte[n];
    r.nextBytes(a);
    r.nextBytes(b);
    bitlab.model.Shape shape = bitlab.model.Shape.image(1, 1, n);
    for (Rounding rounding : Rounding.values()) {
      for (double[] m : new double[][] {{0.5, 0.25}, {1.7, 0.003}, {0.999, 1.001}, {3e-5, 2.5}}) {
        long[] f = ResidualStep.align(Dyadic.of(m[0]), Dyadic.of(m[1]));
        for (boolean unsigned : new boolean[] {true, false}) {
          var spec = unsigned
              ? bitlab.quant.QuantSpec.UINT8_ACT_PER_TENSOR
              : bitlab.quant.QuantSpec.INT8_ACT_PER_TENSOR;
          var params =
              new bitlab.quant.QuantParams(spec, new float[] {0.1f}, new int[] {unsigned ? 3 : -2});
          ResidualStep step = new ResidualStep(
              "add",
              "Add",
              "a",
              "b",
              shape,
              unsigned ? 7 : -3,
              unsigned ? 250 : 5,
              f[0],
              f[1],
              (int) f[2],
              params,
              unsigned ? 3 : -128,
              unsigned ? 255 : 100,
              rounding);
          IntTensor x = new IntTensor(shape, 1, a, params), y = new IntTensor(shape, 1, b, params);
          byte[] got = step.run(java.util.List.of(x, y)).codes();
          for (int i = 0; i < n; i++) {
            assertEquals(
                (byte) step.code(x.code(i), y.code(i)),
                got[i],
                rounding + " " + m[0] + ", " + m[1] + (unsigned ? " unsigned" : " signed") + " at "
                    + i);
          }
        }
      }
    }
  }

  /** The input's quantization on all cores (sixteen at a time where the CPU has AVX-512, read in place or copied) equals {@code QuantParams.quantize} element by element. */
  @Test
  void inputQuantizationEqualsTheQuantizerOnTiesExtremesAndEveryMode() {
    Random r = new Random(5);
    int n = 50_003;
    float[] x = new float[n];
    // quotients around 2^21..2^23, where the vector path's float rounding leaves its exact range,
    // ties among them
    float[] edges = {
      4194303.5f,
      -4194303.5f,
      2097151.5f,
      -2097152.5f,
      1048575.5f,
      1048575.875f,
      -1048575.875f,
      8388609f,
      -8388609f,
      4194304f,
      4194305f,
      -4194305f,
      0.5f,
      -0.5f,
      -0.0f,
      1.5f,
      2.5f,
      -2.5f
    };
    for (int i = 0; i < n; i++) {
      if (i % 7 == 6) {
        x[i] = edges[r.nextInt(edges.length)];
        continue;
      }
      switch (i % 6) {
        case 0:
          x[i] = (float) r.nextGaussian() * 3;
          break;
        case 1:
          x[i] = ((r.nextInt(601) - 300) + 0.5f) * 0.25f;
          break; // x / 0.25 is a tie
        case 2:
          x[i] = r.nextBoolean() ? 0.49999997f : -0.49999997f;
          break; // +-0.5 is one float rounding away
        case 3:
          x[i] = (r.nextBoolean() ? 1 : -1) * (float) Math.scalb(1.0, r.nextInt(60));
          break;
        case 4:
          x[i] = r.nextBoolean() ? Float.MAX_VALUE : Float.NEGATIVE_INFINITY;
          break;
        default:
          x[i] = r.nextFloat() * 600 - 300;
      }
    }
    org.nd4j.linalg.api.ndarray.INDArray images =
        org.nd4j.linalg.factory.Nd4j.createFromArray(x).reshape(1, 1, 1, n);
    bitlab.model.Shape shape = bitlab.model.Shape.image(1, 1, n);
    for (Rounding rounding : Rounding.values()) {
      for (float scale : new float[] {0.25f, 1f, 0.0371f}) {
        for (bitlab.quant.QuantSpec base : new bitlab.quant.QuantSpec[] {
          bitlab.quant.QuantSpec.UINT8_ACT_PER_TENSOR,
          bitlab.quant.QuantSpec.INT8_ACT_PER_TENSOR,
          bitlab.quant.QuantSpec.UINT8_ACT_ASYMMETRIC,
          bitlab.quant.QuantSpec.activations(4, true)
        }) {
          bitlab.quant.QuantSpec spec = base.withRounding(rounding);
          var params = new bitlab.quant.QuantParams(
              spec, new float[] {scale}, new int[] {spec.symmetric() ? 0 : 77});
          byte[] got =
              new QuantizeInputStep("input", shape, params).quantize(images).codes();
          // the same floats through a heap copy (float64 is not read in place)
          assertArrayEquals(
              got,
              new QuantizeInputStep("input", shape, params)
                  .quantize(images.castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE))
                  .codes(),
              spec + " scale " + scale + ": in place and copied");
          for (int i = 0; i < n; i++) {
            assertEquals(
                (byte) params.quantize(x[i], 0),
                got[i],
                spec + " scale " + scale + ": x = " + x[i] + " at " + i);
          }
        }
      }
    }
    x[n - 2] = Float.NaN;
    var params = new bitlab.quant.QuantParams(
        bitlab.quant.QuantSpec.INT8_ACT_PER_TENSOR, new float[] {1f}, new int[] {0});
    IntegerException nan = org.junit.jupiter.api.Assertions.assertThrows(
        IntegerException.class,
        () -> new QuantizeInputStep("input", shape, params)
            .quantize(org.nd4j.linalg.factory.Nd4j.createFromArray(x).reshape(1, 1, 1, n)));
    assertEquals(
        "The input has a NaN at element " + (n - 2) + " of the batch; clean the data first.",
        nan.getMessage());
  }

  @Test
  void tiesRoundAsTheModeSays() {
    int[] acc = {5, -5, 7, -7};
    Dyadic half = new Dyadic(1, 1); // x / 2: every odd accumulator is a tie
    assertEquals(
        "[2, -2, 4, -4]",
        java.util.Arrays.toString(
            Requant.channels(acc, 1, 1, 4, new Dyadic[] {half}, Rounding.HALF_EVEN, 0, -128, 127)));
    assertEquals(
        "[3, -3, 4, -4]",
        java.util.Arrays.toString(
            Requant.channels(acc, 1, 1, 4, new Dyadic[] {half}, Rounding.HALF_AWAY, 0, -128, 127)));
    assertEquals(
        "[3, -2, 4, -3]",
        java.util.Arrays.toString(
            Requant.channels(acc, 1, 1, 4, new Dyadic[] {half}, Rounding.HALF_UP, 0, -128, 127)));
  }
}
