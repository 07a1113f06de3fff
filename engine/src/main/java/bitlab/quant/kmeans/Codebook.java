package bitlab.quant.kmeans;

import bitlab.quant.QuantException;
import java.util.Arrays;

/**
 * One layer's shared weights: {@code 2^bits} float centroids and, for every weight, the index of its centroid. The
 * layer computes with {@code centroids[index[i]]} in place of weight {@code i} (a float look-up: this is a simulation
 * of weight sharing, not integer arithmetic). Stored, a layer takes {@code ceil(n * bits / 8)} bytes of indices plus
 * its codebook, {@code 2^bits} float32 centroids ({@link #bytes}).
 */
public record Codebook(int bits, float[] centroids, int[] index) {
  /** Bytes per stored centroid: Deep Compression keeps its codebooks in float32. */
  public static final int CENTROID_BYTES = 4;

  public Codebook {
    if (bits < 1 || bits > 16)
      throw new QuantException("A codebook has 1 to 16 bits per index, got " + bits + ".");
    if (centroids.length != 1 << bits)
      throw new QuantException("A " + bits + "-bit codebook has " + (1 << bits) + " centroids, got "
          + centroids.length + ".");
    for (int k : index) {
      if (k < 0 || k >= centroids.length)
        throw new QuantException(
            "Centroid index " + k + " is outside the codebook's " + centroids.length + " entries.");
    }
  }

  /** The bytes this layer takes stored: packed indices ({@code ceil(n * bits / 8)}) plus the float32 codebook. */
  public static long bytes(long weights, int bits) {
    return (weights * bits + 7) / 8 + ((long) CENTROID_BYTES << bits);
  }

  /** The bytes of this codebook's layer, stored ({@link #bytes(long, int)}). */
  public long bytes() {
    return bytes(index.length, bits);
  }

  /** The weights the layer computes with: each weight's centroid. */
  public float[] weights() {
    float[] w = new float[index.length];
    for (int i = 0; i < w.length; i++) w[i] = centroids[index[i]];
    return w;
  }

  /**
   * Deep Compression's gradient of each centroid: the sum of the gradients of the weights that share it
   * ({@code dL/dc_k = sum over i with index[i] = k of dL/dw_i}).
   */
  public double[] centroidGradient(float[] weightGradient) {
    if (weightGradient.length != index.length)
      throw new QuantException(
          "A gradient for " + index.length + " weights has " + weightGradient.length + " entries.");
    double[] g = new double[centroids.length];
    for (int i = 0; i < index.length; i++) g[index[i]] += weightGradient[i];
    return g;
  }

  /** A copy with other centroids and the same assignment (a fine-tune step moves centroids, never assignments). */
  public Codebook withCentroids(float[] c) {
    return new Codebook(bits, c.clone(), index);
  }

  /** The index of the centroid nearest each value (ties go to the lower centroid). */
  static int[] assign(float[] values, float[] centroids) {
    float[] sorted = centroids.clone();
    Integer[] order = new Integer[centroids.length];
    for (int k = 0; k < order.length; k++) order[k] = k;
    Arrays.sort(order, (x, y) -> Float.compare(centroids[x], centroids[y]));
    for (int k = 0; k < order.length; k++) sorted[k] = centroids[order[k]];
    int[] out = new int[values.length];
    for (int i = 0; i < values.length; i++) {
      int at = Arrays.binarySearch(sorted, values[i]);
      int k;
      if (at >= 0) {
        k = at;
      } else {
        int hi = -at - 1;
        if (hi == 0) k = 0;
        else if (hi == sorted.length) k = sorted.length - 1;
        else k = values[i] - sorted[hi - 1] <= sorted[hi] - values[i] ? hi - 1 : hi;
      }
      out[i] = order[k];
    }
    return out;
  }

  /** Each centroid moved to the mean of its values; a centroid no value chose keeps its place. */
  static float[] update(float[] values, int[] index, float[] centroids) {
    double[] sum = new double[centroids.length];
    int[] count = new int[centroids.length];
    for (int i = 0; i < values.length; i++) {
      sum[index[i]] += values[i];
      count[index[i]]++;
    }
    float[] c = centroids.clone();
    for (int k = 0; k < c.length; k++) if (count[k] > 0) c[k] = (float) (sum[k] / count[k]);
    return c;
  }
}
