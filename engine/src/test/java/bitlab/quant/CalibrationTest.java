package bitlab.quant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bitlab.quant.Calibration.Aciq.Prior;
import java.util.Random;
import org.junit.jupiter.api.Test;

class CalibrationTest {

  /** Banner et al. 2019, table of optimal clipping values (in units of b or sigma). */
  @Test
  void aciqReproducesThePublishedMultipliers() {
    double[] laplace = {0, 0, 2.83, 3.89, 5.03, 6.2, 7.41, 8.64, 9.89};
    double[] gauss = {0, 1.24, 1.71, 2.15, 2.55, 2.94, 3.29, 3.61, 3.92};
    for (int bits = 2; bits <= 8; bits++) {
      assertEquals(
          laplace[bits],
          AciqClipping.multiplier(Prior.LAPLACE, bits),
          0.011,
          "Laplace at " + bits + " bits");
    }
    for (int bits = 1; bits <= 8; bits++) {
      assertEquals(
          gauss[bits],
          AciqClipping.multiplier(Prior.GAUSSIAN, bits),
          0.011,
          "Gaussian at " + bits + " bits");
    }
  }

  @Test
  void analyticExpectedMseMatchesAMeasuredOne() {
    Random rng = new Random(3);
    int n = 200_000;
    float[] x = new float[n];
    for (int i = 0; i < n; i++)
      x[i] = (float) (rng.nextBoolean() ? 1 : -1) * (float) -Math.log(1 - rng.nextDouble());
    for (double alpha : new double[] {2, 4, 6}) {
      QuantParams p = QuantParams.fromRange(QuantSpec.activations(4, true), -alpha, alpha);
      double mse = 0;
      for (float v : x) {
        double d = v - p.fakeQuantize(v, 0);
        mse += d * d;
      }
      mse /= n;
      double analytic = AciqClipping.expectedMse(Prior.LAPLACE, 1.0, alpha, 14, true);
      assertEquals(analytic, mse, 0.08 * analytic, "alpha " + alpha);
    }
  }

  /** Heavy-tailed data with rare outliers: every clipping method beats the raw extremes at 4 bits. */
  @Test
  void clippingMethodsBeatMinMaxOnHeavyTails() {
    for (int seed = 0; seed < 10; seed++) {
      Random rng = new Random(seed);
      float[] x = new float[50_000];
      for (int i = 0; i < x.length; i++)
        x[i] = (float) (rng.nextBoolean() ? 1 : -1) * (float) -Math.log(1 - rng.nextDouble());
      x[0] = 40;
      Histogram h = Histogram.of("t", x, 2048);
      QuantSpec spec = QuantSpec.activations(4, true);
      double base = mse(x, spec, Calibration.MINMAX.range(h, spec));
      for (Calibration c : new Calibration[] {
        Calibration.MSE,
        Calibration.KL,
        Calibration.ACIQ_LAPLACE,
        Calibration.ACIQ_GAUSS,
        new Calibration.Percentile(99.9)
      }) {
        double e = mse(x, spec, c.range(h, spec));
        assertTrue(e < base * 0.5, c.name() + " error " + e + " vs min-max " + base);
      }
      // MSE search is the best of them by its own measure (up to histogram resolution).
      double best = mse(x, spec, Calibration.MSE.range(h, spec));
      assertTrue(best <= 1.02 * mse(x, spec, Calibration.ACIQ_LAPLACE.range(h, spec)));
    }
  }

  @Test
  void unsignedDataGetsAnUnsignedRange() {
    Random rng = new Random(1);
    float[] x = new float[10_000];
    for (int i = 0; i < x.length; i++) x[i] = (float) Math.max(0, rng.nextGaussian());
    Histogram h = Histogram.of("relu", x, 2048);
    QuantSpec spec = QuantSpec.activations(8, false);
    for (Calibration c : new Calibration[] {
      Calibration.MINMAX,
      Calibration.MSE,
      Calibration.KL,
      Calibration.ACIQ_LAPLACE,
      new Calibration.Percentile(99.99)
    }) {
      Calibration.Range r = c.range(h, spec);
      assertEquals(0, r.lo(), c.name());
      assertTrue(r.hi() > 2 && r.hi() <= h.max() + 1e-9, c.name() + " " + r);
    }
    assertEquals(h.max(), Calibration.MINMAX.range(h, spec).hi(), 1e-9);
  }

  @Test
  void percentileOfUniformValues() {
    float[] x = new float[100_000];
    for (int i = 0; i < x.length; i++) x[i] = i / (float) x.length;
    Histogram h = Histogram.of("u", x, 2048);
    assertEquals(
        0.99,
        new Calibration.Percentile(99).range(h, QuantSpec.activations(8, false)).hi(),
        1e-3);
  }

  @Test
  void namesParseAndUnknownOnesListTheChoices() {
    assertEquals(Calibration.KL, Calibration.parse("KL"));
    assertEquals(new Calibration.Percentile(99.9), Calibration.parse("percentile:99.9"));
    assertEquals("aciq-gauss", Calibration.parse("aciq-gauss").name());
    QuantException e = assertThrows(QuantException.class, () -> Calibration.parse("entropy2"));
    assertEquals(
        "Unknown calibration method 'entropy2'; use minmax, percentile[:P], mse, kl, aciq-laplace or aciq-gauss.",
        e.getMessage());
  }

  @Test
  void klIsForActivationsOnly() {
    QuantException e =
        assertThrows(QuantException.class, () -> PtqConfig.DEFAULT.withWeights(Calibration.KL));
    assertTrue(
        e.getMessage().startsWith("KL calibration chooses activation ranges"), e.getMessage());
    assertEquals(Calibration.MINMAX, PtqConfig.of(Calibration.KL).weights());
  }

  @Test
  void nanInCalibrationDataNamesTheTensor() {
    QuantException e = assertThrows(
        QuantException.class, () -> Histogram.of("conv2", new float[] {1, Float.NaN}, 16));
    assertTrue(
        e.getMessage().startsWith("Tensor 'conv2' has a NaN or infinite value"), e.getMessage());
  }

  private static double mse(float[] x, QuantSpec spec, Calibration.Range r) {
    QuantParams p = QuantParams.fromRange(spec, r.lo(), r.hi());
    double s = 0;
    for (float v : x) {
      double d = v - p.fakeQuantize(v, 0);
      s += d * d;
    }
    return s / x.length;
  }
}
