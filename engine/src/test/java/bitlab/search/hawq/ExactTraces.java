package bitlab.search.hawq;

import bitlab.data.Samples;
import bitlab.model.Model;

/**
 * Exact Hessian traces of a two-layer ReLU network {@code z = W2 relu(W1 x + b1) + b2} under mean
 * softmax cross-entropy, in plain double loops (the ReLU's second derivative is zero, as in every
 * autodiff). With {@code A = diag(p) - p p^T} per image:
 * {@code Tr(H_W2) = mean ||h||^2 tr(A)} and {@code Tr(H_W1) = mean ||x||^2 sum_k m_k (W2^T A W2)_kk},
 * h the hidden activations, m their ReLU mask.
 */
final class ExactTraces {
  private ExactTraces() {}

  static double[] mlp(Model m, Samples s) {
    double[][] w1 = matrix(m, "fc1.weight");
    double[] b1 = m.param("fc1.bias").castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE).toDoubleVector();
    double[][] w2 = matrix(m, "fc2.weight");
    double[] b2 = m.param("fc2.bias").castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE).toDoubleVector();
    int n = s.size();
    int hidden = w1.length;
    int classes = w2.length;
    double t1 = 0;
    double t2 = 0;
    for (int i = 0; i < n; i++) {
      double[] x = s.images().get(org.nd4j.linalg.indexing.NDArrayIndex.point(i)).castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE)
          .reshape(-1).toDoubleVector();
      double[] h = new double[hidden];
      boolean[] mask = new boolean[hidden];
      for (int k = 0; k < hidden; k++) {
        double a = b1[k];
        for (int j = 0; j < x.length; j++) a += w1[k][j] * x[j];
        mask[k] = a > 0;
        h[k] = Math.max(0, a);
      }
      double[] z = new double[classes];
      double max = Double.NEGATIVE_INFINITY;
      for (int c = 0; c < classes; c++) {
        z[c] = b2[c];
        for (int k = 0; k < hidden; k++) z[c] += w2[c][k] * h[k];
        max = Math.max(max, z[c]);
      }
      double sum = 0;
      double[] p = new double[classes];
      for (int c = 0; c < classes; c++) sum += p[c] = Math.exp(z[c] - max);
      for (int c = 0; c < classes; c++) p[c] /= sum;
      double trA = 0;
      for (int c = 0; c < classes; c++) trA += p[c] * (1 - p[c]);
      double hh = 0;
      for (double v : h) hh += v * v;
      double xx = 0;
      for (double v : x) xx += v * v;
      t2 += hh * trA;
      double inner = 0;
      for (int k = 0; k < hidden; k++) {
        if (!mask[k]) continue;
        // (W2^T A W2)_kk = sum_c p_c w_ck^2 - (sum_c p_c w_ck)^2
        double a = 0;
        double b = 0;
        for (int c = 0; c < classes; c++) {
          a += p[c] * w2[c][k] * w2[c][k];
          b += p[c] * w2[c][k];
        }
        inner += a - b * b;
      }
      t1 += xx * inner;
    }
    return new double[] {t1 / n, t2 / n};
  }

  private static double[][] matrix(Model m, String key) {
    return m.param(key).castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE).toDoubleMatrix();
  }
}
