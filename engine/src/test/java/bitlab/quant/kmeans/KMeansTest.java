package bitlab.quant.kmeans;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bitlab.quant.QuantException;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The arithmetic of weight sharing: assignment, centroid update, Lloyd's fit, centroid gradients, bytes stored. */
class KMeansTest {
  @Test
  void eachValueGoesToItsNearestCentroidWhateverTheCentroidsOrder() {
    float[] c = {2f, -1f, 0.5f, 0f};
    float[] v = {-3f, -0.6f, -0.4f, 0.2f, 0.3f, 0.25f, 1.2f, 1.3f, 9f, 0.5f};
    // nearest: -1, -1, 0, 0, 0.5, tie 0/0.5 -> lower (0), 0.5, 2 (1.3 is 0.7 from 2), 2, exact 0.5
    int[] expected = {1, 1, 3, 3, 2, 3, 2, 0, 0, 2};
    assertArrayEquals(expected, Codebook.assign(v, c));
    // brute force on random data agrees
    Random r = new Random(7);
    float[] many = new float[500];
    for (int i = 0; i < many.length; i++) many[i] = (float) r.nextGaussian();
    float[] cs = {0.9f, -1.3f, 0.1f, -0.2f, 2.2f, -0.7f, 1.4f, 0.4f};
    int[] got = Codebook.assign(many, cs);
    for (int i = 0; i < many.length; i++) {
      float best = Float.MAX_VALUE;
      for (float x : cs) best = Math.min(best, Math.abs(many[i] - x));
      assertEquals(best, Math.abs(many[i] - cs[got[i]]), 0, "value " + many[i]);
    }
  }

  @Test
  void eachCentroidMovesToTheMeanOfItsValuesAndAnEmptyOneStays() {
    float[] v = {1f, 2f, 6f, -4f};
    int[] idx = {0, 0, 2, 2};
    float[] c = Codebook.update(v, idx, new float[] {0f, 7f, 0f, 3f});
    assertArrayEquals(new float[] {1.5f, 7f, 1f, 3f}, c);
  }

  @Test
  void linearInitialisationSpansTheWeightsAndLloydFindsSeparatedClusters() {
    assertArrayEquals(
        new float[] {-1f, 0f, 1f, 2f}, KMeans.linear(new float[] {2f, -1f, 0.3f}, 2), 1e-6f);
    // four separated groups: the fit recovers their means exactly
    float[] v = {-5.1f, -4.9f, -5f, 0.1f, -0.1f, 0f, 3f, 3.2f, 2.8f, 10.5f, 9.5f, 10f};
    Codebook cb = KMeans.fit(v, 2);
    float[] sorted = cb.centroids().clone();
    java.util.Arrays.sort(sorted);
    assertArrayEquals(new float[] {-5f, 0f, 3f, 10f}, sorted, 1e-5f);
    // every weight becomes its group's mean
    float[] w = cb.weights();
    for (int i = 0; i < v.length; i++) assertEquals(sorted[i / 3], w[i], 1e-5f);
  }

  @Test
  void moreBitsNeverFitWorse() {
    Random r = new Random(3);
    float[] v = new float[2000];
    for (int i = 0; i < v.length; i++) v[i] = (float) (r.nextGaussian() * 0.05);
    double previous = Double.MAX_VALUE;
    for (int b = 1; b <= 6; b++) {
      float[] w = KMeans.fit(v, b).weights();
      double sse = 0;
      for (int i = 0; i < v.length; i++) sse += (v[i] - w[i]) * (v[i] - w[i]);
      assertTrue(sse < previous, b + " bits: " + sse + " against " + previous);
      previous = sse;
    }
  }

  @Test
  void aCentroidsGradientIsTheSumOfItsWeightsGradients() {
    Codebook cb = new Codebook(2, new float[] {-1f, 0f, 1f, 2f}, new int[] {3, 0, 3, 1, 0, 3});
    double[] g = cb.centroidGradient(new float[] {0.5f, 1f, -0.25f, 2f, 3f, 0.125f});
    assertArrayEquals(new double[] {4.0, 2.0, 0.0, 0.375}, g, 1e-12);
    assertArrayEquals(new float[] {2f, -1f, 2f, 0f, -1f, 2f}, cb.weights());
  }

  @Test
  void storedBytesArePackedIndicesPlusAFloat32Codebook() {
    assertEquals(375 + 8 * 4, Codebook.bytes(1000, 3));
    assertEquals(4 + 8 * 4, Codebook.bytes(10, 3)); // 30 bits round up to 4 bytes
    assertEquals(1000 + 256 * 4, Codebook.bytes(1000, 8));
    Codebook cb = KMeans.fit(new float[] {1f, 2f, 3f, 4f, 5f}, 1);
    assertEquals(1 + 2 * 4, cb.bytes());
  }

  @Test
  void badWidthsAndIndicesAreRefusedWithASentence() {
    QuantException e =
        assertThrows(QuantException.class, () -> new Codebook(2, new float[3], new int[0]));
    assertEquals("A 2-bit codebook has 4 centroids, got 3.", e.getMessage());
    e = assertThrows(QuantException.class, () -> new Codebook(1, new float[2], new int[] {2}));
    assertEquals("Centroid index 2 is outside the codebook's 2 entries.", e.getMessage());
    e = assertThrows(QuantException.class, () -> KMeans.fit(new float[] {Float.NaN}, 2));
    assertEquals("k-means needs finite weights, got NaN.", e.getMessage());
  }

  @Test
  void adamMovesEachCentroidAgainstItsGradientByAboutTheRate() {
    double[][] m = new double[2][3];
    float[] c =
        CentroidTuning.adam(new float[] {0f, 1f, 2f}, new double[] {5, -0.01, 0}, m, 1, 0.1);
    // the first Adam step is rate * sign(g) (bias-corrected moments), and nothing where g is 0
    assertArrayEquals(new float[] {-0.1f, 1.1f, 2f}, c, 1e-6f);
  }
}
