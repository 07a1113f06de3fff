package bitlab.nn;

/**
 * Mean softmax cross-entropy of logits {@code z [N, C]} against targets {@code t} (one-hot labels, or any
 * rows; rows that do not sum to one are allowed): {@code L = −(1/N) Σ_n Σ_c t·log softmax(z)}. Its gradient
 * in the logits is {@code (p·Σt − t)/N}; the tangent of that gradient along {@code ż} is
 * {@code (Σt/N)·ṗ} with {@code ṗ = p ⊙ (ż − p·ż)}. In double whatever the engine's precision.
 */
final class Loss {
  private Loss() {}

  /** Softmax of {@code v[from, from + n)} in place, shifted by the maximum. */
  static void softmax(double[] v, int from, int n) {
    double max = Double.NEGATIVE_INFINITY;
    for (int k = 0; k < n; k++) max = Math.max(max, v[from + k]);
    double sum = 0;
    for (int k = 0; k < n; k++) sum += v[from + k] = Math.exp(v[from + k] - max);
    for (int k = 0; k < n; k++) v[from + k] /= sum;
  }

  /** The loss; writes its gradient in the logits into {@code grad} (same shape) and the softmax into {@code p}. */
  static double forwardBackward(double[] z, double[] t, int classes, double[] p, double[] grad) {
    int n = z.length / classes;
    double loss = 0;
    for (int r = 0; r < n; r++) {
      int o = r * classes;
      double max = Double.NEGATIVE_INFINITY;
      for (int k = 0; k < classes; k++) max = Math.max(max, z[o + k]);
      double sum = 0;
      for (int k = 0; k < classes; k++) sum += Math.exp(z[o + k] - max);
      double logSum = max + Math.log(sum);
      double mass = 0;
      for (int k = 0; k < classes; k++) {
        p[o + k] = Math.exp(z[o + k] - logSum);
        mass += t[o + k];
        if (t[o + k] != 0) loss -= t[o + k] * (z[o + k] - logSum);
      }
      for (int k = 0; k < classes; k++) grad[o + k] = (p[o + k] * mass - t[o + k]) / n;
    }
    return loss / n;
  }

  /** The gradient's tangent along the logits' tangent {@code dz}. */
  static void gradientTangent(double[] p, double[] t, double[] dz, int classes, double[] out) {
    int n = p.length / classes;
    for (int r = 0; r < n; r++) {
      int o = r * classes;
      double mass = 0;
      double dot = 0;
      for (int k = 0; k < classes; k++) {
        mass += t[o + k];
        dot += p[o + k] * dz[o + k];
      }
      for (int k = 0; k < classes; k++) out[o + k] = mass / n * p[o + k] * (dz[o + k] - dot);
    }
  }
}
