package bitlab.nn;

import bitlab.model.Node;
import java.util.List;

/** Softmax over the features of a vector (small: plain loops); the backward pass is {@code y ⊙ (dy − Σ y·dy)}. */
final class SoftmaxStep extends Step {
  SoftmaxStep(Node node, Slot input, Slot output) {
    super(node, List.of(input), output);
  }

  @Override
  void forward(Program p) {
    double[] z = input().value.toDoubles();
    int c = (int) output.dims[1];
    for (int r = 0; r < z.length / c; r++) Loss.softmax(z, r * c, c);
    set(output.value, z);
  }

  @Override
  void backward(Program p) {
    Slot in = input();
    if (!in.needsGradient) return;
    double[] y = output.value.toDoubles();
    double[] dy = p.gradientOf(output).toDoubles();
    int c = (int) output.dims[1];
    double[] dx = new double[y.length];
    for (int r = 0; r < y.length / c; r++) {
      double dot = 0;
      for (int k = 0; k < c; k++) dot += y[r * c + k] * dy[r * c + k];
      for (int k = 0; k < c; k++) dx[r * c + k] = y[r * c + k] * (dy[r * c + k] - dot);
    }
    Tensor t = p.gradientTarget(in);
    set(t, dx);
    p.gradientDone(in, t);
  }

  static void set(Tensor t, double[] v) {
    if (t.isFloat()) {
      float[] f = new float[v.length];
      for (int i = 0; i < v.length; i++) f[i] = (float) v[i];
      t.setAll(f);
    } else {
      t.setAll(v);
    }
  }
}
