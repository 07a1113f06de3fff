package bitlab.quant;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bitlab.nn.Tensor;
import bitlab.nn.Transform;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Property-style checks of the quantizer arithmetic over many seeds. */
class QuantMathTest {

  @Test
  void codeRangesFollowTheContract() {
    assertEquals(-127, QuantSpec.INT8_WEIGHT_PER_CHANNEL.qmin());
    assertEquals(127, QuantSpec.INT8_WEIGHT_PER_CHANNEL.qmax());
    assertEquals(255, QuantSpec.UINT8_ACT_PER_TENSOR.qmax());
    assertEquals(-7, QuantSpec.weights(4).qmin());
    assertEquals(-1, QuantSpec.weights(2).qmin());
    assertEquals(2, QuantSpec.BINARY_WEIGHT_PER_CHANNEL.levels());
    assertEquals(65535, QuantSpec.activations(16, false).qmax());
    QuantException e = assertThrows(QuantException.class, () -> QuantSpec.weights(17));
    assertEquals(
        "A quantizer width of 17 bits is not supported; use 1..16 (32 means: leave it in float).",
        e.getMessage());
    assertThrows(QuantException.class, () -> QuantSpec.weights(0));
  }

  @Test
  void quantizationErrorIsAtMostHalfAStepInsideTheRange() {
    for (int seed = 0; seed < 200; seed++) {
      Random rng = new Random(seed);
      int bits = 2 + rng.nextInt(15);
      boolean signed = rng.nextBoolean();
      boolean symmetric = signed || rng.nextBoolean();
      Rounding rounding = Rounding.values()[rng.nextInt(3)];
      QuantSpec spec = new QuantSpec(bits, signed, symmetric, Granularity.PER_TENSOR, rounding);
      double lo = signed || !symmetric ? -rng.nextDouble() * 10 : 0;
      double hi = rng.nextDouble() * 10 + 1e-3;
      QuantParams p = QuantParams.fromRange(spec, lo, hi);
      double[] r = p.range(0);
      float s = p.scale(0);
      // Asymmetric ranges move by up to half a step when the zero point is rounded onto an integer.
      double slack = symmetric ? 1e-5 * hi : s * 0.5 + 1e-6;
      assertTrue(
          r[0] <= Math.min(lo, 0) + slack && r[1] >= hi - slack,
          spec + " covers [" + lo + ", " + hi + "]: " + r[0] + ".." + r[1]);
      for (int i = 0; i < 200; i++) {
        float x = (float) (r[0] + rng.nextDouble() * (r[1] - r[0]));
        int q = p.quantize(x, 0);
        assertTrue(q >= spec.qmin() && q <= spec.qmax());
        assertTrue(
            Math.abs(p.dequantize(q, 0) - x) <= s * 0.5 * (1 + 1e-5) + Math.abs(x) * 0x1p-22,
            spec + " x=" + x);
        // Idempotent: a dequantized value quantizes back to its own code.
        assertEquals(q, p.quantize(p.dequantize(q, 0), 0), spec + " code " + q);
      }
      // Outside the range values clamp to the extreme codes.
      assertEquals(spec.qmax(), p.quantize((float) (r[1] + 100 * s + 1), 0));
      assertEquals(spec.qmin(), p.quantize((float) (r[0] - 100 * s - 1), 0));
    }
  }

  @Test
  void symmetricQuantizationIsOddAndZeroIsExact() {
    for (int seed = 0; seed < 100; seed++) {
      Random rng = new Random(seed);
      QuantParams p = QuantParams.fromRange(
          QuantSpec.weights(2 + rng.nextInt(7)).withGranularity(Granularity.PER_TENSOR),
          -rng.nextDouble() * 3,
          rng.nextDouble() * 3);
      assertEquals(0, p.quantize(0f, 0));
      for (int i = 0; i < 100; i++) {
        float x = (float) (rng.nextGaussian() * 2);
        assertEquals(
            -p.quantize(x, 0), p.quantize(-x, 0), "HALF_EVEN is symmetric about zero at x=" + x);
      }
    }
  }

  @Test
  void roundingModesDifferOnlyOnTies() {
    assertEquals(2.0, Rounding.HALF_EVEN.round(2.5));
    assertEquals(3.0, Rounding.HALF_AWAY.round(2.5));
    assertEquals(3.0, Rounding.HALF_UP.round(2.5));
    assertEquals(-2.0, Rounding.HALF_EVEN.round(-2.5));
    assertEquals(-3.0, Rounding.HALF_AWAY.round(-2.5));
    assertEquals(-2.0, Rounding.HALF_UP.round(-2.5));
    assertEquals(Rounding.HALF_UP, Rounding.parse("half-up"));
    assertThrows(QuantException.class, () -> Rounding.parse("stochastic"));
  }

  @Test
  void vectorRoundingMatchesJavaIncludingTies() {
    Random rng = new Random(5);
    float[] v = new float[4000];
    for (int i = 0; i < v.length; i++)
      v[i] = i < 200 ? (i - 100) / 2f : (float) (rng.nextGaussian() * 50);
    // Neighbours of ties, where float addition of 0.5 would round the wrong way.
    for (int i = 0; i < 40; i++)
      v[200 + i] = Math.nextAfter(
          (i - 20) + 0.5f, i % 2 == 0 ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY);
    for (int i = 0; i < 20; i++)
      v[240 + i] = (float) Math.scalb(1.0 + i / 7.0, 22 + i % 3); // where float spacing reaches 1
    int lanes = VectorRounding.F.length();
    for (Rounding r : Rounding.values()) {
      for (int i = 0; i + lanes <= v.length; i += lanes) {
        float[] got = new float[lanes];
        VectorRounding.round(jdk.incubator.vector.FloatVector.fromArray(VectorRounding.F, v, i), r)
            .intoArray(got, 0);
        for (int k = 0; k < lanes; k++)
          assertEquals((float) r.round(v[i + k]), got[k], 0f, r + " at " + v[i + k]);
      }
    }
  }

  @Test
  void vectorFakeQuantIsBitExactWithTheReference() {
    for (int seed = 0; seed < 20; seed++) {
      Random rng = new Random(seed);
      QuantSpec spec = new QuantSpec(
          2 + rng.nextInt(7),
          rng.nextBoolean(),
          true,
          Granularity.PER_TENSOR,
          Rounding.values()[seed % 3]);
      if (seed % 4 == 0) spec = spec.withSymmetric(false);
      QuantParams p =
          QuantParams.fromRange(spec, -rng.nextDouble() * 4, rng.nextDouble() * 4 + 0.1);
      float[] v = new float[3001];
      for (int i = 0; i < v.length; i++) v[i] = (float) (rng.nextGaussian() * 3);
      for (int i = 0; i < 50; i++) v[i] = p.scale(0) * (i - 25 + 0.5f); // ties
      Tensor x = Tensor.of(v, v.length);
      Tensor y = Tensor.of(new float[v.length], v.length);
      FakeQuant.fixed(p, false).forward(x, y);
      float[] got = y.toFloats();
      for (int i = 0; i < v.length; i++)
        assertEquals(p.fakeQuantize(v[i], 0), got[i], 0f, spec + " at " + v[i]);
      x.close();
      y.close();
    }
  }

  @Test
  void perChannelWeightsQuantizeEachChannelToItsOwnExtreme() {
    for (int seed = 0; seed < 20; seed++) {
      Nd4j.getRandom().setSeed(seed);
      INDArray w = Nd4j.randn(DataType.FLOAT, 6, 3, 3, 3)
          .muli(Nd4j.linspace(DataType.FLOAT, 0.1, 3, 6).reshape(6, 1, 1, 1));
      WeightQuantizer.Result r =
          WeightQuantizer.quantize("w", w, QuantSpec.weights(4), Calibration.MINMAX);
      for (int c = 0; c < 6; c++) {
        INDArray codes = r.codes().slice(c);
        assertEquals(
            7,
            Math.abs(codes.castTo(DataType.INT32).amaxNumber().intValue()),
            "channel " + c + " reaches the largest code");
        double err = r.dequantized().slice(c).sub(w.slice(c)).amaxNumber().doubleValue();
        assertTrue(err <= r.params().scale(c) / 2 + 1e-6);
      }
    }
  }

  @Test
  void steGradientIsOneInsideTheRangeAndZeroOutside() {
    QuantParams p = QuantParams.fromRange(QuantSpec.activations(4, true), -1, 1);
    Transform fq = FakeQuant.fixed(p, true);
    Tensor x = Tensor.of(new float[] {-3f, -0.5f, 0.2f, 0.9f, 2f}, 5);
    Tensor dy = Tensor.of(new float[] {1f, 1f, 1f, 1f, 1f}, 5);
    Tensor dx = Tensor.of(new float[5], 5);
    fq.backward(x, dy, dx);
    assertArrayEquals(new float[] {0f, 1f, 1f, 1f, 0f}, dx.toFloats());
    // The forward value is the fake-quantized one.
    fq.forward(x, dx);
    assertEquals(p.fakeQuantize(0.2f, 0), dx.toFloats()[2], 0f);
    for (Tensor t : new Tensor[] {x, dy, dx}) t.close();
  }
}
