package bitlab.model;

/** Top-1 accuracy of a model on a set of labelled images. */
public record Evaluation(String model, String data, int correct, int total, double loss) {
  public double accuracy() {
    return total == 0 ? 0 : (double) correct / total;
  }

  /**
   * The 95% Wilson score interval of the accuracy, {@code {low, high}} as fractions: where the accuracy on all images
   * like these plausibly lies, given {@code correct} of {@code total}. Unlike the normal approximation it stays inside
   * [0, 1] and is not zero-width at 100%. Two methods whose intervals overlap are not told apart by these images.
   */
  public double[] interval95() {
    return interval95(correct, total);
  }

  /** {@link #interval95()} in percent as tables show it, e.g. {@code [95.60, 98.47]}. */
  public String interval95Text() {
    return interval95Text(accuracy(), total);
  }

  /** The interval in percent as tables show it, from an accuracy (a fraction) on {@code images} images. */
  public static String interval95Text(double accuracy, int images) {
    double[] i = interval95((int) Math.round(accuracy * images), images);
    return String.format(java.util.Locale.ROOT, "[%.2f, %.2f]", 100 * i[0], 100 * i[1]);
  }

  /** {@link #interval95()} of {@code correct} right out of {@code total} images. */
  public static double[] interval95(int correct, int total) {
    if (total == 0) return new double[] {0, 1};
    double z = 1.959963984540054, n = total, p = (double) correct / total;
    double denom = 1 + z * z / n;
    double centre = (p + z * z / (2 * n)) / denom;
    double half = z * Math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom;
    return new double[] {Math.max(0, centre - half), Math.min(1, centre + half)};
  }

  @Override
  public String toString() {
    return String.format(
        "%s on %s: %.2f%% top-1 (%,d of %,d), loss %.4f",
        model, data, 100 * accuracy(), correct, total, loss);
  }
}
