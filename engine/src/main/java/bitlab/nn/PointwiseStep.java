package bitlab.nn;

import bitlab.model.Node;
import bitlab.model.Op;
import java.util.List;

/**
 * An element-wise function ({@link Op.Pointwise}: Sigmoid, HardSigmoid, HardSwish, SiLU, Clip) in plain loops on
 * either backend, straight from the operator's value and derivatives. The backward pass reads the input (kept by
 * programs with a backward pass), so it never runs in place.
 */
final class PointwiseStep extends Step {
  private final Op.Pointwise f;

  PointwiseStep(Node node, Slot input, Slot output) {
    super(node, List.of(input), output);
    this.f = (Op.Pointwise) node.op();
  }

  @Override
  void forward(Program p) {
    double[] v = input().value.toDoubles();
    for (int i = 0; i < v.length; i++) v[i] = f.value(v[i]);
    SoftmaxStep.set(output.value, v);
  }

  @Override
  void backward(Program p) {
    Slot in = input();
    if (!in.needsGradient) return;
    double[] x = in.value.toDoubles();
    double[] g = p.gradientOf(output).toDoubles();
    for (int i = 0; i < g.length; i++) g[i] *= f.slope(x[i]);
    addGradient(p, in, g, false);
  }

  @Override
  void tangent(Program p) {
    if (noInputTangent()) return;
    Slot in = input();
    double[] x = in.value.toDoubles();
    double[] t = in.tangent.toDoubles();
    for (int i = 0; i < t.length; i++) t[i] *= f.slope(x[i]);
    SoftmaxStep.set(output.tangent, t);
  }

  /** The tangent of {@code dx = f'(x) dy}: {@code f'(x) d(dy) + f''(x) tx dy}. */
  @Override
  void backwardTangent(Program p) {
    Slot in = input();
    if (!in.needsGradient) return;
    double[] x = in.value.toDoubles();
    double[] gt = p.gradientTangentOf(output).toDoubles();
    double[] g = in.hasTangent ? p.gradientOf(output).toDoubles() : null;
    double[] tx = in.hasTangent ? in.tangent.toDoubles() : null;
    for (int i = 0; i < gt.length; i++) {
      gt[i] *= f.slope(x[i]);
      if (tx != null) gt[i] += f.curvature(x[i]) * tx[i] * g[i];
    }
    addGradient(p, in, gt, true);
  }
}
