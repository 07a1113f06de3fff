package bitlab.dsl.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bitlab.dsl.display.MimeBundle;
import bitlab.dsl.display.Renderers;
import bitlab.model.Model;
import bitlab.model.Shape;
import bitlab.quant.QuantException;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TensorTest {
  static Tensor uniform(int n, long seed) {
    Random r = new Random(seed);
    double[] v = new double[n];
    for (int i = 0; i < n; i++) v[i] = 2 * r.nextDouble() - 1;
    return Tensor.of("u", v);
  }

  static Tensor laplace(int n, double b, long seed) {
    Random r = new Random(seed);
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      double u = r.nextDouble() - 0.5;
      v[i] = -b * Math.signum(u) * Math.log(1 - 2 * Math.abs(u));
    }
    return Tensor.of("laplace", v);
  }

  @Test
  void quantizedTensorHasAtMostTheLevelsAndUniformNoiseMatchesScaleSquaredOverTwelve() {
    Tensor t = uniform(50_000, 1);
    BitSweep s = t.errorVsBits(2, 8);
    for (int b = 2; b <= 8; b++) assertTrue(t.quantized(b).distinct() <= (1 << b) - 1, "bits " + b);
    for (int b = 5; b <= 8; b++) {
      assertEquals(
          1.0,
          s.mse(b) / s.predicted(b),
          0.05,
          "uniform values: rounding noise is scale^2/12 at " + b + " bits");
    }
    for (int b = 5; b < 8; b++) {
      double ratio = s.mse(b) / s.mse(b + 1);
      assertTrue(
          ratio > 3.5 && ratio < 4.6, "one more bit divides the error by about 4, got " + ratio);
    }
    assertEquals(s.sqnr(8) - s.sqnr(7), 6.0, 0.4, "about 6 dB per bit");
    assertEquals(Double.NaN, s.perChannelMse(8), "a 1-D tensor has no channels");
    assertThrows(QuantException.class, () -> t.errorVsBits(1, 8));
    assertThrows(QuantException.class, () -> s.mse(9));
  }

  @Test
  void perChannelBeatsPerTensorWhenChannelsDifferInScale() {
    Model m = Model.builder("two", Shape.vector(64)).linear("fc", 4).build(1);
    float[] w = new float[4 * 64];
    Random r = new Random(2);
    for (int c = 0; c < 4; c++)
      for (int i = 0; i < 64; i++)
        w[c * 64 + i] = (float) ((2 * r.nextDouble() - 1) * Math.pow(10, -c));
    Tensor t = new Tensor("w", w, new int[] {4, 64});
    assertEquals(4, t.channels());
    assertEquals(1.0, t.channelMaxima()[0], 0.05);
    Tensor a = t.quantized(4);
    Tensor b = t.perChannel(4);
    assertTrue(t.mse(b) < t.mse(a), "per channel " + t.mse(b) + " vs per tensor " + t.mse(a));
    // The channel with the largest range is quantized identically either way ...
    for (int i = 0; i < 64; i++) assertEquals(a.get(i), b.get(i), 1e-7);
    // ... the smallest one (1/1000 of it) is rounded to zero by the shared scale and kept by its
    // own.
    double pt = 0;
    double pc = 0;
    for (int i = 3 * 64; i < 4 * 64; i++) {
      pt += Math.pow(a.get(i) - t.get(i), 2);
      pc += Math.pow(b.get(i) - t.get(i), 2);
      assertEquals(0.0, a.get(i), 0.0);
    }
    assertTrue(pc < pt / 30, "channel 3: per channel " + pc + " vs per tensor " + pt);
    Tensor fc = Tensor.weights(m, "fc");
    assertEquals(4 * 64, fc.size());
    QuantException e = assertThrows(QuantException.class, () -> Tensor.weights(m, "conv9"));
    assertEquals(
        "Layer 'conv9' is not a layer with weights of model 'two'; its layers are fc.",
        e.getMessage());
  }

  @Test
  void binarizedKeepsSignsAndTheMeanMagnitude() {
    Tensor t = Tensor.of("x", 0.5, -1.5, 0.0, 2.0);
    Tensor b = t.binarized();
    assertEquals(1.0, b.get(0), 1e-7);
    assertEquals(-1.0, b.get(1), 1e-7);
    assertEquals(1.0, b.get(2), 1e-7, "sign(0) = +1");
    assertEquals(2, b.distinct());
    assertThrows(QuantException.class, () -> Tensor.of("bad", 1.0, Double.NaN));
    assertThrows(QuantException.class, () -> t.mse(Tensor.of("short", 1.0)));
  }

  /** Clipping noise and rounding noise add up to the measured error; one falls and the other rises with the clip. */
  @Test
  void theTradeOffSplitsTheErrorInTwo() {
    Tensor t = laplace(20_000, 0.05, 5);
    ClippingCurve c = t.clipping(4);
    for (double a : new double[] {0.02, 0.1, c.best(), 0.3, t.absMax()}) {
      double[] n = c.noise(a);
      assertEquals(c.measure(a), n[0] + n[1], 1e-9 * c.measure(a) + 1e-15, "at " + a);
    }
    assertEquals(0.0, c.noise(t.absMax())[0], "nothing is clipped at the largest magnitude");
    assertTrue(c.noise(0.02)[0] > c.noise(0.2)[0], "clipping noise falls as the clip grows");
    assertTrue(c.noise(0.02)[1] < c.noise(0.2)[1], "rounding noise rises as the clip grows");
    var chart = c.tradeoff();
    assertEquals(4, chart.getSeriesMap().size());
  }

  @Test
  void clippingCurveFindsLaplaceOptimumNearAciqAndBelowMinMax() {
    Tensor t = laplace(40_000, 0.05, 4);
    ClippingCurve c = t.clipping(4);
    double aciq = c.clip("aciq-laplace");
    assertEquals(1.0, c.best() / aciq, 0.2, "measured optimum " + c.best() + " vs ACIQ " + aciq);
    assertTrue(
        c.measure(c.clip("mse")) < 0.5 * c.measure(c.clip("minmax")),
        "MSE clipping beats min-max on Laplace tails");
    assertEquals(t.absMax(), c.clip("minmax"), 1e-6);
    double near = c.best();
    assertEquals(
        1.0,
        c.laplace(near) / c.measure(near),
        0.25,
        "the Laplace model predicts the measured error near the optimum");
    assertEquals(ClippingCurve.METHODS.size() + 1, c.table().rowCount());
    MimeBundle r = Renderers.standard().render(c);
    assertTrue(r.data().get(MimeBundle.HTML).contains("data:image/png;base64,"));
  }

  @Test
  void xnorPopcountEqualsTheSignDotProduct() {
    Random r = new Random(5);
    for (int k : new int[] {1, 7, 63, 64}) {
      for (int rep = 0; rep < 50; rep++) {
        double[] x = new double[k];
        double[] w = new double[k];
        for (int i = 0; i < k; i++) {
          x[i] = r.nextGaussian();
          w[i] = r.nextGaussian();
        }
        XnorDot d = XnorDot.of(x, w);
        assertEquals(d.signDot(), d.binaryDot(), "K = " + k);
      }
    }
    XnorDot d = XnorDot.of(new double[] {1, -1, 2, -3}, new double[] {1, 1, -1, -1});
    assertEquals(2, d.popcount());
    assertEquals(0, d.binaryDot());
    assertEquals(1 - 1 - 2 + 3, d.exact(), 1e-12);
    assertEquals(5, d.table().columnCount(), "a label column and one per position");
    var picture = d.diagram();
    assertTrue(
        picture.text().contains("bits of x: 1010\nbits of w: 1100\nXNOR: 1001"), picture.text());
    assertTrue(picture
        .text()
        .contains("popcount = 2 of K = 4 positions agree; sign(x)·sign(w) = 2·2 − 4 = 0"));
    assertEquals(
        3 * 4 + 1,
        picture.svg().split("<rect", -1).length - 1,
        "a cell per bit, and the background");
    assertThrows(QuantException.class, () -> XnorDot.of(new double[65], new double[65]));
    assertThrows(QuantException.class, () -> XnorDot.of(new double[3], new double[4]));
  }
}
