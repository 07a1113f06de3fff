package bitlab.quant;

import java.util.Locale;

/**
 * How a clipping range is chosen from the values a tensor took on calibration data. The mapping
 * from a method's name to its implementation lives here and nowhere else ({@link #parse}).
 */
public sealed interface Calibration {

  /** A clipping range {@code [lo, hi]}. */
  record Range(double lo, double hi) {
    public Range {
      if (!(lo <= hi) || !Double.isFinite(lo) || !Double.isFinite(hi)) {
        throw new QuantException(
            "A clipping range needs finite lo <= hi, got [" + lo + ", " + hi + "].");
      }
    }

    public double width() {
      return hi - lo;
    }
  }

  /** Short name as accepted by {@link #parse}, e.g. {@code percentile:99.99}. */
  String name();

  /** The clipping range for a tensor with this histogram under this quantizer. */
  Range range(Histogram h, QuantSpec spec);

  /** The observed extremes. */
  record MinMax() implements Calibration {
    public String name() {
      return "minmax";
    }

    public Range range(Histogram h, QuantSpec spec) {
      return Clipping.fromMagnitude(h, spec, h.absMax());
    }
  }

  /** Clip at a percentile of the magnitudes (of the values, for asymmetric quantizers). */
  record Percentile(double percent) implements Calibration {
    public Percentile {
      if (!(percent > 50 && percent <= 100)) {
        throw new QuantException(
            "A calibration percentile must be in (50, 100], got " + percent + ".");
      }
    }

    public String name() {
      return "percentile:" + percent;
    }

    public Range range(Histogram h, QuantSpec spec) {
      double p = percent / 100;
      if (!spec.symmetric())
        return new Range(Clipping.quantile(h, 1 - p, false), Clipping.quantile(h, p, false));
      return Clipping.fromMagnitude(
          h, spec, Clipping.quantile(h, p, spec.signed() || !h.nonNegative()));
    }
  }

  /** The range whose quantization error (over the histogram) is smallest. */
  record Mse() implements Calibration {
    public String name() {
      return "mse";
    }

    public Range range(Histogram h, QuantSpec spec) {
      return Clipping.minimiseMse(h, spec);
    }
  }

  /** TensorRT's entropy calibration: the threshold whose quantized distribution is closest in KL divergence. */
  record Kl() implements Calibration {
    public String name() {
      return "kl";
    }

    public Range range(Histogram h, QuantSpec spec) {
      return Clipping.fromMagnitude(h, spec, Clipping.klThreshold(h, spec));
    }
  }

  /** ACIQ (Banner et al. 2019): the analytically optimal clip for a Laplace or Gaussian fit of the values. */
  record Aciq(Aciq.Prior prior) implements Calibration {
    /** The fitted distribution. */
    public enum Prior {
      LAPLACE,
      GAUSSIAN
    }

    public Aciq {
      if (prior == null) throw new QuantException("ACIQ needs a prior: LAPLACE or GAUSSIAN.");
    }

    public String name() {
      return prior == Prior.LAPLACE ? "aciq-laplace" : "aciq-gauss";
    }

    public Range range(Histogram h, QuantSpec spec) {
      return AciqClipping.range(h, spec, prior);
    }
  }

  Calibration MINMAX = new MinMax();
  Calibration MSE = new Mse();
  Calibration KL = new Kl();
  Calibration ACIQ_LAPLACE = new Aciq(Aciq.Prior.LAPLACE);
  Calibration ACIQ_GAUSS = new Aciq(Aciq.Prior.GAUSSIAN);

  /** {@code minmax}, {@code percentile:P} (P in (50, 100]), {@code mse}, {@code kl}, {@code aciq} / {@code aciq-laplace}, {@code aciq-gauss}. */
  static Calibration parse(String name) {
    String n = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
    switch (n) {
      case "minmax":
      case "min-max":
        return MINMAX;
      case "mse":
        return MSE;
      case "kl":
      case "entropy":
        return KL;
      case "aciq":
      case "aciq-laplace":
        return ACIQ_LAPLACE;
      case "aciq-gauss":
      case "aciq-gaussian":
        return ACIQ_GAUSS;
      case "percentile":
        return new Percentile(99.99);
      default:
        if (n.startsWith("percentile:")) {
          try {
            return new Percentile(Double.parseDouble(n.substring(11)));
          } catch (NumberFormatException e) {
            throw new QuantException(
                "'" + name + "' has no number after 'percentile:'; write e.g. percentile:99.99.");
          }
        }
        throw new QuantException("Unknown calibration method '" + name
            + "'; use minmax, percentile[:P], mse, kl, aciq-laplace or aciq-gauss.");
    }
  }
}
