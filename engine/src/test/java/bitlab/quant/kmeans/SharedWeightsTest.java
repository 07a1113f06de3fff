package bitlab.quant.kmeans;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bitlab.data.Batch;
import bitlab.data.Dataset;
import bitlab.data.Datasets;
import bitlab.model.Inference;
import bitlab.model.Model;
import bitlab.model.Node;
import bitlab.nn.Hooks;
import bitlab.nn.Net;
import bitlab.quant.BatchNormFolding;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/** Weight sharing on LeNet-5: what the shared model computes with, what it stores, and how its centroids learn. */
@Tag("slow")
class SharedWeightsTest {
  private static final Model NET = bitlab.model.Zoo.load("lenet5");

  @Test
  void eachLayerComputesWithAtMostTwoToTheBitsValuesAndStoresIndicesPlusCodebook() {
    int[] bits = {4, 3, 2, 3, 5};
    SharedWeights s = SharedWeights.of(NET, bits);
    Model m = s.model();
    Model folded = BatchNormFolding.fold(NET);
    List<Node> layers = folded.layers();
    long expected = 0;
    for (int i = 0; i < layers.size(); i++) {
      String key = layers.get(i).param("weight");
      float[] w = Nd4j.toFlattened('c', m.params().get(key)).toFloatVector();
      Set<Float> distinct = new HashSet<>();
      for (float v : w) distinct.add(v);
      assertTrue(distinct.size() <= 1 << bits[i], layers.get(i).name() + ": " + distinct.size());
      Codebook cb = s.codebooks().get(layers.get(i).name());
      assertArrayEquals(cb.weights(), w);
      expected += (w.length * (long) bits[i] + 7) / 8 + 4L * (1 << bits[i]);
      // biases are untouched
      String bias = layers.get(i).param("bias");
      if (folded.params().containsKey(bias))
        assertEquals(folded.params().get(bias), m.params().get(bias));
    }
    assertEquals(expected, s.bytes());
    assertEquals(expected, SharedWeights.bytes(folded, bits));
    assertEquals("4/3/2/3/5 bits", s.describeBits());
  }

  /**
   * The centroid gradient the fine-tune follows is the loss's derivative with respect to the centroid: moving one
   * centroid moves every weight that shares it, and a central finite difference of the loss (double precision) agrees
   * with the summed weight gradients.
   */
  @Test
  void theCentroidGradientIsTheDerivativeOfTheLoss() {
    Dataset d = NET.prepare(Datasets.mnist());
    SharedWeights s = SharedWeights.uniform(NET, 2);
    Batch b = d.train().batches(16).iterator().next();
    String layer = "conv2";
    String key = s.folded().node(layer).param("weight");
    Codebook cb = s.codebooks().get(layer);
    double[] g;
    try (Net net = Net.compile(
        s.model(), Net.Mode.INFERENCE, Hooks.NONE, Net.Precision.DOUBLE, List.of(key))) {
      net.lossAndGradients(b.x(), b.oneHot());
      g = cb.centroidGradient(
          Nd4j.toFlattened('c', net.gradient(key)).castTo(DataType.FLOAT).toFloatVector());
    }
    // small enough that no ReLU or max-pool choice flips within it (at 1e-4 some do, and the
    // difference is off by
    // up to 90%); at 1e-6 it agrees to about 1e-7
    double eps = 1e-6;
    for (int k = 0; k < cb.centroids().length; k++) {
      double up = lossWith(s, layer, cb, k, eps, b);
      double down = lossWith(s, layer, cb, k, -eps, b);
      // the step actually taken in float
      double step = ((cb.centroids()[k] + (float) eps) - (cb.centroids()[k] - (float) eps));
      double fd = (up - down) / step;
      assertEquals(fd, g[k], 1e-5 * Math.max(1, Math.abs(fd)), "centroid " + k);
    }
  }

  private static double lossWith(
      SharedWeights s, String layer, Codebook cb, int k, double eps, Batch b) {
    float[] c = cb.centroids().clone();
    c[k] += (float) eps;
    Model m = s.with(Map.of(layer, cb.withCentroids(c))).model();
    String key = m.node(layer).param("weight");
    try (Net net =
        Net.compile(m, Net.Mode.INFERENCE, Hooks.NONE, Net.Precision.DOUBLE, List.of(key))) {
      return net.lossAndGradients(b.x(), b.oneHot());
    }
  }

  @Test
  void fineTuningTheCentroidsKeepsTheAssignmentsAndLowersTheValidationLoss() {
    Dataset d = NET.prepare(Datasets.mnist());
    SharedWeights start = SharedWeights.uniform(NET, 2);
    SharedWeights tuned = CentroidTuning.fineTune(start, d.train(), 32, 64, 1e-3, 1);
    for (Map.Entry<String, Codebook> e : start.codebooks().entrySet()) {
      Codebook after = tuned.codebooks().get(e.getKey());
      assertArrayEquals(e.getValue().index(), after.index(), e.getKey());
      assertTrue(
          !java.util.Arrays.equals(e.getValue().centroids(), after.centroids()),
          e.getKey() + "'s centroids did not move");
    }
    assertEquals(start.bytes(), tuned.bytes());
    var v = d.validation(500);
    double before = Inference.evaluate(start.model(), v).loss();
    double after = Inference.evaluate(tuned.model(), v).loss();
    assertTrue(after < before, "validation loss " + before + " -> " + after);
    // the same start, data and seed give the same centroids
    SharedWeights again = CentroidTuning.fineTune(start, d.train(), 32, 64, 1e-3, 1);
    for (String l : tuned.codebooks().keySet())
      assertArrayEquals(
          tuned.codebooks().get(l).centroids(), again.codebooks().get(l).centroids());
  }
}
