package bitlab.quant;

import bitlab.quant.Calibration.Aciq.Prior;

/**
 * ACIQ (Banner, Nahshan, Soudry: "Post training 4-bit quantization of convolutional networks for
 * rapid-deployment", NeurIPS 2019): fit a Laplace or Gaussian to the values, then clip where the
 * expected mean-squared error, clipping noise plus rounding noise, is least.
 *
 * <p>For a two-sided clip at {@code ±α} of a zero-mean density the clipping noise is
 * {@code 2 b² e^(-α/b)} (Laplace, scale b) or {@code (α²+σ²)(1-erf(α/(σ√2))) - √(2/π) α σ e^(-α²/2σ²)}
 * (Gaussian); rounding noise is {@code Δ²/12} with step {@code Δ = range / steps}. Banner's table uses
 * {@code Δ = 2α/2^M}; {@link #multiplier} reproduces it, while calibration uses the step of the actual
 * quantizer.
 */
public final class AciqClipping {
  private AciqClipping() {}

  /** Clipping noise beyond {@code alpha} on one side of a zero-centred density with this scale. */
  public static double tailNoise(Prior prior, double scale, double alpha) {
    if (prior == Prior.LAPLACE) return scale * scale * Math.exp(-alpha / scale);
    double z = alpha / (scale * Math.sqrt(2));
    return 0.5
        * ((alpha * alpha + scale * scale) * erfc(z)
            - Math.sqrt(2 / Math.PI)
                * alpha
                * scale
                * Math.exp(-alpha * alpha / (2 * scale * scale)));
  }

  /**
   * Expected squared error of clipping at {@code ±alpha} (two-sided) or {@code [0, alpha]} measured from
   * the centre (one-sided), with {@code steps} quantization steps across the covered range.
   */
  public static double expectedMse(
      Prior prior, double scale, double alpha, int steps, boolean twoSided) {
    double delta = (twoSided ? 2 * alpha : alpha) / steps;
    return (twoSided ? 2 : 1) * tailNoise(prior, scale, alpha) + delta * delta / 12;
  }

  /** The optimal two-sided clip in units of the scale, Banner's convention ({@code 2^bits} steps): 5.03 for Laplace at 4 bits. */
  public static double multiplier(Prior prior, int bits) {
    return optimalAlpha(prior, 1.0, 1 << bits, true);
  }

  /** The {@code alpha} minimising {@link #expectedMse}: a coarse scan, then golden-section refinement. */
  public static double optimalAlpha(Prior prior, double scale, int steps, boolean twoSided) {
    if (!(scale > 0)) return 0;
    double hiA = 40 * scale;
    int n = 4000;
    double best = hiA;
    double bestE = Double.POSITIVE_INFINITY;
    for (int i = 1; i <= n; i++) {
      double a = hiA * i / n;
      double e = expectedMse(prior, scale, a, steps, twoSided);
      if (e < bestE) {
        bestE = e;
        best = a;
      }
    }
    double lo = Math.max(1e-12, best - hiA / n);
    double hi = best + hiA / n;
    double g = (Math.sqrt(5) - 1) / 2;
    for (int it = 0; it < 80; it++) {
      double c = hi - g * (hi - lo);
      double d = lo + g * (hi - lo);
      if (expectedMse(prior, scale, c, steps, twoSided)
          < expectedMse(prior, scale, d, steps, twoSided)) hi = d;
      else lo = c;
    }
    return (lo + hi) / 2;
  }

  /** The ACIQ range for a tensor: fit around its mean, clip the fit's optimum to the observed extremes. */
  static Calibration.Range range(Histogram h, QuantSpec spec, Prior prior) {
    double scale = prior == Prior.LAPLACE ? h.meanAbsDev() : h.std();
    double mu = h.mean();
    if (!(scale > 0)) return Clipping.fromMagnitude(h, spec, h.absMax());
    int steps = spec.qmax() - spec.qmin();
    if (!spec.symmetric()) {
      double a = optimalAlpha(prior, scale, steps, true);
      return new Calibration.Range(
          Math.max(h.min(), Math.min(0, mu - a)), Math.min(h.max(), Math.max(0, mu + a)));
    }
    if (spec.signed() || !h.nonNegative()) {
      double a = Math.abs(mu) + optimalAlpha(prior, scale, steps, true);
      return Clipping.fromMagnitude(h, spec, Math.min(h.absMax(), a));
    }
    // Unsigned (after a ReLU): one-sided clip above the mean; the range [0, mu + a] has `steps`
    // steps.
    double best = h.max();
    double bestE = Double.POSITIVE_INFINITY;
    for (int i = 1; i <= 2000; i++) {
      double a = 40 * scale * i / 2000;
      double t = mu + a;
      double delta = t / steps;
      double e = tailNoise(prior, scale, a) + delta * delta / 12;
      if (e < bestE) {
        bestE = e;
        best = t;
      }
    }
    return new Calibration.Range(0, Math.min(h.max(), best));
  }

  /** The complementary error function (W. J. Cody's rational approximation via Numerical Recipes' erfcc, |error| < 1.2e-7). */
  static double erfc(double x) {
    double z = Math.abs(x);
    double t = 1 / (1 + 0.5 * z);
    double r = t
        * Math.exp(
            -z * z
                - 1.26551223
                + t
                    * (1.00002368
                        + t
                            * (0.37409196
                                + t
                                    * (0.09678418
                                        + t
                                            * (-0.18628806
                                                + t
                                                    * (0.27886807
                                                        + t
                                                            * (-1.13520398
                                                                + t
                                                                    * (1.48851587
                                                                        + t
                                                                            * (-0.82215223
                                                                                + t
                                                                                    * 0.17087277)))))))));
    return x >= 0 ? r : 2 - r;
  }
}
