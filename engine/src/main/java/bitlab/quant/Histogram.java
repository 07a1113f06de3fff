package bitlab.quant;

/**
 * What calibration keeps of one tensor's values: extremes, moments, and two fixed-width histograms,
 * one of the values over {@code [min, max]} and one of their magnitudes over {@code [0, max|x|]}.
 * Built in two passes over the same data ({@link Builder}): the first finds the extremes and the
 * mean, the second fills the bins and the mean absolute deviation.
 */
public final class Histogram {
  private final String tensor;
  private final double min;
  private final double max;
  private final double mean;
  private final double std;
  private final double meanAbsDev;
  private final long count;
  private final double[] values;
  private final double[] magnitudes;

  private Histogram(Builder b) {
    this.tensor = b.tensor;
    this.min = b.min;
    this.max = b.max;
    this.count = b.count;
    this.mean = b.sum / b.count;
    this.std = Math.sqrt(Math.max(0, b.sumSq / b.count - mean * mean));
    this.meanAbsDev = b.absDev / b.count;
    this.values = b.values;
    this.magnitudes = b.magnitudes;
  }

  /** A histogram of one array of values (for example one output channel of a weight). */
  public static Histogram of(String tensor, float[] data, int bins) {
    Builder b = new Builder(tensor);
    b.observe(data);
    b.startBins(bins);
    b.observe(data);
    return b.build();
  }

  public String tensor() {
    return tensor;
  }

  public double min() {
    return min;
  }

  public double max() {
    return max;
  }

  public double absMax() {
    return Math.max(Math.abs(min), Math.abs(max));
  }

  public double mean() {
    return mean;
  }

  public double std() {
    return std;
  }
  /** {@code E|x - mean|}: the maximum-likelihood scale of a Laplace fit. */
  public double meanAbsDev() {
    return meanAbsDev;
  }

  public long count() {
    return count;
  }

  public int bins() {
    return values.length;
  }
  /** Counts of the values over {@code [min, max]}. */
  public double[] values() {
    return values.clone();
  }
  /** Counts of the magnitudes over {@code [0, absMax]}. */
  public double[] magnitudes() {
    return magnitudes.clone();
  }
  /** True when no value is negative (for example after a ReLU). */
  public boolean nonNegative() {
    return min >= 0;
  }

  double[] valuesView() {
    return values;
  }

  double[] magnitudesView() {
    return magnitudes;
  }

  /** Centre of value bin {@code i}. */
  public double valueCentre(int i) {
    return min + (i + 0.5) * (max - min) / values.length;
  }

  /** Centre of magnitude bin {@code i}. */
  public double magnitudeCentre(int i) {
    return (i + 0.5) * absMax() / magnitudes.length;
  }

  @Override
  public String toString() {
    return String.format(
        "%s: %,d values in [%.4g, %.4g], mean %.4g, std %.4g", tensor, count, min, max, mean, std);
  }

  /** Two-pass construction: {@link #observe} everything, {@link #startBins}, {@link #observe} the same data again, {@link #build}. */
  public static final class Builder {
    private final String tensor;
    private double min = Double.POSITIVE_INFINITY;
    private double max = Double.NEGATIVE_INFINITY;
    private double sum;
    private double sumSq;
    private double absDev;
    private long count;
    private double[] values;
    private double[] magnitudes;

    public Builder(String tensor) {
      this.tensor = tensor;
    }

    /** First pass: extremes and moments; second pass (after {@link #startBins}): bins and deviation. */
    public void observe(float[] data) {
      if (values == null) {
        for (int i = 0; i < data.length; i++) {
          float v = data[i];
          if (!Float.isFinite(v)) {
            throw new QuantException("Tensor '" + tensor + "' has a NaN or infinite value (element "
                + i + " of a calibration batch); check the model's weights and the data.");
          }
          if (v < min) min = v;
          if (v > max) max = v;
          sum += v;
          sumSq += (double) v * v;
        }
        count += data.length;
        return;
      }
      double mean = sum / count;
      double width = (max - min) / values.length;
      double absMax = Math.max(Math.abs(min), Math.abs(max));
      double absWidth = absMax / magnitudes.length;
      int last = values.length - 1;
      for (float v : data) {
        int i = width > 0 ? (int) ((v - min) / width) : 0;
        values[Math.max(0, Math.min(last, i))]++;
        int j = absWidth > 0 ? (int) (Math.abs(v) / absWidth) : 0;
        magnitudes[Math.max(0, Math.min(last, j))]++;
        absDev += Math.abs(v - mean);
      }
    }

    public void startBins(int bins) {
      if (count == 0)
        throw new QuantException(
            "Tensor '" + tensor + "' saw no values: the calibration set is empty.");
      if (bins < 8)
        throw new QuantException("A histogram needs at least 8 bins, got " + bins + ".");
      values = new double[bins];
      magnitudes = new double[bins];
    }

    public Histogram build() {
      if (values == null)
        throw new IllegalStateException(
            "Histogram of '" + tensor + "' built before its second pass.");
      return new Histogram(this);
    }
  }
}
