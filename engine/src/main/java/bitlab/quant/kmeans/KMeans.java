package bitlab.quant.kmeans;

import bitlab.quant.QuantException;
import java.util.Arrays;

/**
 * One-dimensional k-means of a layer's weights into {@code 2^bits} clusters, as Deep Compression (Han et al., 2016)
 * shares weights: centroids start evenly spaced between the smallest and the largest weight (their linear
 * initialisation, which keeps the few large weights that matter most represented), then Lloyd's iterations (assign
 * each weight to its nearest centroid, move each centroid to the mean of its weights) until no weight changes
 * cluster or {@code iterations} is reached. Deterministic: no random start.
 */
public final class KMeans {
  /** Lloyd's iterations at most; one layer of a small network settles in well under this. */
  public static final int ITERATIONS = 30;

  private KMeans() {}

  public static Codebook fit(float[] weights, int bits) {
    return fit(weights, bits, ITERATIONS);
  }

  public static Codebook fit(float[] weights, int bits, int iterations) {
    if (weights.length == 0) throw new QuantException("k-means needs at least one weight.");
    if (iterations < 0)
      throw new QuantException("k-means takes 0 or more iterations, got " + iterations + ".");
    float[] c = linear(weights, bits);
    int[] index = Codebook.assign(weights, c);
    for (int it = 0; it < iterations; it++) {
      c = Codebook.update(weights, index, c);
      int[] next = Codebook.assign(weights, c);
      boolean moved = !Arrays.equals(next, index);
      index = next;
      if (!moved) break;
    }
    return new Codebook(bits, c, index);
  }

  /** {@code 2^bits} centroids evenly spaced from the smallest weight to the largest (all equal if they are). */
  static float[] linear(float[] weights, int bits) {
    if (bits < 1 || bits > 16)
      throw new QuantException("k-means takes 1 to 16 bits per weight, got " + bits + ".");
    float lo = Float.POSITIVE_INFINITY;
    float hi = Float.NEGATIVE_INFINITY;
    for (float w : weights) {
      if (!Float.isFinite(w))
        throw new QuantException("k-means needs finite weights, got " + w + ".");
      lo = Math.min(lo, w);
      hi = Math.max(hi, w);
    }
    int k = 1 << bits;
    float[] c = new float[k];
    for (int j = 0; j < k; j++) c[j] = k == 1 ? (lo + hi) / 2 : lo + (hi - lo) * j / (k - 1);
    return c;
  }
}
