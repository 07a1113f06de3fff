package bitlab.dsl.exercise;

import bitlab.dsl.tensor.ClippingCurve;
import bitlab.dsl.tensor.Tensor;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Write an MSE clipping search: given a tensor's values and a width, return the clipping value {@code α} whose
 * symmetric quantizer ({@code ±α}, signed codes, round to nearest) has the smallest mean squared error. Checked on
 * three tensors (Laplace, Gaussian, and a Gaussian with a few outliers) at 3 and 4 bits: the error at the student's
 * {@code α}, measured by bitlab ({@link ClippingCurve#measure}), must be within 2% of the lowest bitlab finds
 * (its 240-point search, or its MSE calibration's choice, whichever is lower).
 */
public final class ClipSearchExercise {
  @FunctionalInterface
  public interface ClipSearch {
    double clip(double[] values, int bits);
  }

  static final String NAME = "MSE clipping search";
  static final double TOLERANCE = 1.02;

  static List<Tensor> tensors() {
    Random r = new Random(11);
    double[] laplace = new double[8000], gauss = new double[8000], outliers = new double[8000];
    for (int i = 0; i < 8000; i++) {
      double u = r.nextDouble() - 0.5;
      laplace[i] = -0.05 * Math.signum(u) * Math.log(1 - 2 * Math.abs(u));
      gauss[i] = 0.1 * r.nextGaussian();
      outliers[i] = i % 1000 == 0 ? 2.0 * (r.nextBoolean() ? 1 : -1) : 0.1 * r.nextGaussian();
    }
    return List.of(
        Tensor.of("laplace", laplace),
        Tensor.of("gauss", gauss),
        Tensor.of("gauss with outliers", outliers));
  }

  public Verdict check(ClipSearch mine) {
    if (mine == null)
      return Verdict.wrong(
          NAME, 0, "there is no function to check; write one, e.g. (values, bits) -> ...");
    int cases = 0;
    for (Tensor t : tensors()) {
      for (int bits : new int[] {3, 4}) {
        cases++;
        ClippingCurve curve = t.clipping(bits);
        double best = Math.min(curve.measure(curve.best()), curve.measure(curve.clip("mse")));
        double bestAt = curve.measure(curve.best()) <= curve.measure(curve.clip("mse"))
            ? curve.best()
            : curve.clip("mse");
        double alpha;
        try {
          alpha = mine.clip(t.values(), bits);
        } catch (RuntimeException e) {
          return Verdict.threw(NAME, cases, "the " + t.name() + " tensor at " + bits + " bits", e);
        }
        if (!(alpha > 0) || !Double.isFinite(alpha)) {
          return Verdict.wrong(
              NAME,
              cases,
              String.format(
                  Locale.ROOT,
                  "for the %s tensor at %d bits you return α = %s; a clipping value must be positive "
                      + "and finite.",
                  t.name(),
                  bits,
                  alpha));
        }
        double err = curve.measure(alpha);
        if (err > TOLERANCE * best) {
          String what = alpha >= t.absMax() * (1 - 1e-9)
              ? " That is min-max: nothing is clipped, and every value pays for the widest steps; try clipping values below the largest magnitude."
              : alpha < bestAt
                  ? " Your α clips too much: the values beyond it cost more than the finer steps save."
                  : " Your α clips too little: finer steps would save more than the clipped values cost.";
          return Verdict.wrong(
              NAME,
              cases,
              String.format(
                  Locale.ROOT,
                  "for the %s tensor at %d bits your α = %.4g gives a mean squared error of %.4g, "
                      + "%.0f%% above the %.4g bitlab finds at α = %.4g.%s",
                  t.name(),
                  bits,
                  alpha,
                  err,
                  100 * (err / best - 1),
                  best,
                  bestAt,
                  what));
        }
      }
    }
    return Verdict.right(
        NAME,
        cases,
        "on all three tensors at 3 and 4 bits your clipping value's error is within "
            + Math.round(100 * (TOLERANCE - 1)) + "% of the lowest bitlab finds.");
  }
}
