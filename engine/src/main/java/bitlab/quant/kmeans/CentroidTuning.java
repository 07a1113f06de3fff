package bitlab.quant.kmeans;

import bitlab.data.Batch;
import bitlab.data.Samples;
import bitlab.model.Model;
import bitlab.nn.Hooks;
import bitlab.nn.Net;
import bitlab.quant.QuantException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Deep Compression's fine-tune of shared weights: the assignments stay fixed and only the centroids learn. Each step
 * runs a batch through the float network computing with the centroids, takes every weight's gradient, sums the
 * gradients of the weights that share a centroid into that centroid's gradient ({@link Codebook#centroidGradient}),
 * moves the centroids by Adam (step size decaying to zero over the steps on a cosine), and writes the new centroids
 * back into the layer's weights. Biases stay as they are. Runs on one thread with no kernel raced
 * ({@link Net#oneThread}), so the same start, data and seed give the same centroids on every run.
 */
public final class CentroidTuning {
  private static final double BETA1 = 0.9;
  private static final double BETA2 = 0.999;
  private static final double EPSILON = 1e-8;

  private CentroidTuning() {}

  /** A loss that stopped being finite: the caller keeps the codebooks it started from. */
  public static final class Diverged extends QuantException {
    Diverged(String message) {
      super(message);
    }
  }

  /** {@code steps} batches of {@code batchSize} training images in the order {@code seed} shuffles them. */
  public static SharedWeights fineTune(
      SharedWeights start,
      Samples train,
      int steps,
      int batchSize,
      double learningRate,
      long seed) {
    if (steps < 1)
      throw new QuantException("A centroid fine-tune needs at least 1 step, got " + steps + ".");
    if (!(learningRate > 0))
      throw new QuantException("The learning rate must be positive, got " + learningRate + ".");
    return Net.oneThread(() -> run(start, train, steps, batchSize, learningRate, seed));
  }

  private static SharedWeights run(
      SharedWeights start, Samples train, int steps, int batchSize, double lr, long seed) {
    Model model = start.model();
    Map<String, Codebook> books = new LinkedHashMap<>(start.codebooks());
    Map<String, String> keys = new LinkedHashMap<>();
    for (String layer : books.keySet()) keys.put(layer, model.node(layer).param("weight"));
    Map<String, double[][]> moments = new LinkedHashMap<>();
    for (Map.Entry<String, Codebook> e : books.entrySet())
      moments.put(e.getKey(), new double[2][e.getValue().centroids().length]);
    List<String> trainable = new ArrayList<>(keys.values());
    try (Net net =
        Net.compile(model, Net.Mode.INFERENCE, Hooks.NONE, Net.Precision.FLOAT, trainable)) {
      int done = 0;
      for (int pass = 1; done < steps; pass++) {
        for (Batch batch : train.batches(batchSize, seed * 1000 + pass)) {
          if (done == steps) break;
          double loss = net.lossAndGradients(batch.x(), batch.oneHot());
          if (!Double.isFinite(loss)) {
            throw new Diverged(String.format(
                "The centroid fine-tune of %s stopped at step %d of %d: the loss became %s; lower the "
                    + "learning rate (it was %s).",
                model.name(), done + 1, steps, Double.isNaN(loss) ? "NaN" : "infinite", lr));
          }
          double rate = lr * 0.5 * (1 + Math.cos(Math.PI * done / steps));
          done++;
          for (Map.Entry<String, String> e : keys.entrySet()) {
            Codebook c = books.get(e.getKey());
            float[] g = Nd4j.toFlattened('c', net.gradient(e.getValue()))
                .castTo(DataType.FLOAT)
                .toFloatVector();
            Codebook moved = c.withCentroids(
                adam(c.centroids(), c.centroidGradient(g), moments.get(e.getKey()), done, rate));
            books.put(e.getKey(), moved);
            net.setParameter(
                e.getValue(),
                Nd4j.createFromArray(moved.weights())
                    .reshape('c', net.parameter(e.getValue()).shape()));
          }
        }
      }
    }
    return start.with(books);
  }

  /** One Adam step of the centroids (moments updated in place; {@code t} counts from 1). */
  static float[] adam(float[] c, double[] g, double[][] m, int t, double rate) {
    float[] out = new float[c.length];
    double b1 = 1 - Math.pow(BETA1, t);
    double b2 = 1 - Math.pow(BETA2, t);
    for (int k = 0; k < c.length; k++) {
      m[0][k] = BETA1 * m[0][k] + (1 - BETA1) * g[k];
      m[1][k] = BETA2 * m[1][k] + (1 - BETA2) * g[k] * g[k];
      out[k] = (float) (c[k] - rate * (m[0][k] / b1) / (Math.sqrt(m[1][k] / b2) + EPSILON));
    }
    return out;
  }
}
