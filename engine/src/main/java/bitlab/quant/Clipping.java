package bitlab.quant;

/** The histogram algorithms behind {@link Calibration}: quantiles, MSE search and TensorRT's KL threshold. */
final class Clipping {
  private static final int CANDIDATES = 256;

  private Clipping() {}

  /** The range a quantizer of this kind covers when clipped at magnitude {@code t}. */
  static Calibration.Range fromMagnitude(Histogram h, QuantSpec spec, double t) {
    if (spec.symmetric()) {
      boolean signed = spec.signed() || !h.nonNegative();
      return signed
          ? new Calibration.Range(-t, t)
          : new Calibration.Range(0, Math.min(t, Math.max(h.max(), 0)));
    }
    return new Calibration.Range(Math.max(h.min(), -t), Math.min(h.max(), t));
  }

  /** The {@code p}-quantile of the magnitudes ({@code magnitudes=true}) or of the values. */
  static double quantile(Histogram h, double p, boolean magnitudes) {
    double[] c = magnitudes ? h.magnitudesView() : h.valuesView();
    double lo = magnitudes ? 0 : h.min();
    double width = ((magnitudes ? h.absMax() : h.max()) - lo) / c.length;
    double total = 0;
    for (double v : c) total += v;
    double target = p * total;
    double cum = 0;
    for (int i = 0; i < c.length; i++) {
      if (cum + c[i] >= target && c[i] > 0) {
        double frac = (target - cum) / c[i];
        return lo + (i + Math.max(0, Math.min(1, frac))) * width;
      }
      cum += c[i];
    }
    return lo + c.length * width;
  }

  /** Scans clipping ranges shrinking from the observed one and keeps the one with least squared error. */
  static Calibration.Range minimiseMse(Histogram h, QuantSpec spec) {
    boolean useMagnitudes = spec.symmetric() && (spec.signed() || !h.nonNegative());
    double[] counts = useMagnitudes ? h.magnitudesView() : h.valuesView();
    double[] centres = new double[counts.length];
    for (int i = 0; i < counts.length; i++)
      centres[i] = useMagnitudes ? h.magnitudeCentre(i) : h.valueCentre(i);
    Calibration.Range full = fromMagnitude(h, spec, h.absMax());
    Calibration.Range best = full;
    double bestErr = Double.POSITIVE_INFINITY;
    for (int k = CANDIDATES; k >= 1; k--) {
      double f = (double) k / CANDIDATES;
      Calibration.Range r = new Calibration.Range(full.lo() * f, full.hi() * f);
      QuantParams q = QuantParams.fromRange(spec, r.lo(), r.hi());
      double err = 0;
      for (int i = 0; i < counts.length; i++) {
        if (counts[i] == 0) continue;
        double d = centres[i] - q.fakeQuantize((float) centres[i], 0);
        err += counts[i] * d * d;
      }
      if (err < bestErr) {
        bestErr = err;
        best = r;
      }
    }
    return best;
  }

  /**
   * TensorRT's entropy calibration (Migacz, GTC 2017), on the magnitude histogram: for each candidate
   * threshold bin i, P is the histogram up to i with the outliers added to its last bin, Q is P's first
   * i bins merged into as many bins as the quantizer has non-negative codes and expanded back over the
   * non-empty bins; the threshold minimises KL(P || Q). As in NVIDIA's pytorch-quantization, the first
   * bin takes the count of the second, so that the spike of exact zeros after a ReLU does not dominate.
   */
  static double klThreshold(Histogram h, QuantSpec spec) {
    double[] hist = h.magnitudes();
    hist[0] = hist[1];
    int bins = hist.length;
    int levels = spec.qmax() + 1;
    double width = h.absMax() / bins;
    if (levels >= bins) return h.absMax();
    double total = 0;
    for (double v : hist) total += v;
    double bestKl = Double.POSITIVE_INFINITY;
    int bestI = bins;
    double[] p = new double[bins];
    double[] q = new double[bins];
    // Mass beyond bin i (the first i bins are P proper); kept as a running sum.
    double outliers = total;
    for (int j = 0; j < levels - 1; j++) outliers -= hist[j];
    for (int i = levels; i <= bins; i++) {
      outliers -= hist[i - 1];
      System.arraycopy(hist, 0, p, 0, i);
      p[i - 1] += Math.max(0, outliers);
      // Merge hist[0..i) into `levels` chunks, then spread each chunk evenly over its non-empty
      // bins.
      double merged = (double) i / levels;
      for (int l = 0; l < levels; l++) {
        int from = (int) Math.round(l * merged);
        int to = l == levels - 1 ? i : (int) Math.round((l + 1) * merged);
        double sum = 0;
        int nonEmpty = 0;
        for (int j = from; j < to; j++) {
          sum += hist[j];
          if (hist[j] != 0) nonEmpty++;
        }
        for (int j = from; j < to; j++) q[j] = hist[j] != 0 ? sum / nonEmpty : 0;
      }
      double kl = divergence(p, q, i);
      if (kl < bestKl) {
        bestKl = kl;
        bestI = i;
      }
    }
    return Math.min(h.absMax(), (bestI + 0.5) * width);
  }

  /** KL(P || Q) over the first n bins, both normalised, with Q's empty bins smoothed as TensorRT/MXNet do. */
  private static double divergence(double[] p, double[] q, int n) {
    double ps = 0;
    double qs = 0;
    for (int j = 0; j < n; j++) {
      ps += p[j];
      qs += q[j];
    }
    if (ps == 0 || qs == 0) return Double.POSITIVE_INFINITY;
    double eps = 1e-4;
    int zeros = 0;
    for (int j = 0; j < n; j++) if (q[j] == 0) zeros++;
    int nonZeros = n - zeros;
    double take = nonZeros == 0 ? 0 : eps * zeros / nonZeros;
    double kl = 0;
    for (int j = 0; j < n; j++) {
      if (p[j] == 0) continue;
      double pj = p[j] / ps;
      double qj = q[j] == 0 ? eps : q[j] / qs - take * (q[j] / qs);
      if (qj <= 0) qj = eps;
      kl += pj * Math.log(pj / qj);
    }
    return kl;
  }
}
