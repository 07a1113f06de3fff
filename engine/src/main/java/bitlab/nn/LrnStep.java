package bitlab.nn;

import bitlab.model.Node;
import bitlab.model.Op;
import java.util.List;

/**
 * Local response normalization ({@link Op.Lrn}) in plain loops over the channels-last storage, on either backend.
 * With {@code s_c = bias + alpha/size · Σ_{j∈W(c)} x_j²} and {@code y_c = x_c s_c^-beta}, the backward pass is
 * {@code dx_j = dy_j s_j^-beta − (2 alpha beta / size) x_j Σ_{c: j∈W(c)} dy_c x_c s_c^(-beta-1)}. Hessian-vector
 * products do not go through it (no second derivative here).
 */
final class LrnStep extends Step {
  private final Op.Lrn op;
  private final int channels;

  LrnStep(Node node, Slot input, Slot output) {
    super(node, List.of(input), output);
    op = (Op.Lrn) node.op();
    channels = (int) input.dims[1];
  }

  /** {@code s} for every element. */
  private double[] scales(double[] x) {
    double[] s = new double[x.length];
    double k = op.alpha() / op.size();
    for (int p = 0; p < x.length; p += channels) {
      for (int c = 0; c < channels; c++) {
        double sum = 0;
        for (int j = op.first(c); j <= op.last(c, channels); j++) sum += x[p + j] * x[p + j];
        s[p + c] = op.bias() + k * sum;
      }
    }
    return s;
  }

  @Override
  void forward(Program p) {
    double[] x = input().value.toDoubles();
    double[] s = scales(x);
    for (int i = 0; i < x.length; i++) x[i] *= Math.pow(s[i], -op.beta());
    SoftmaxStep.set(output.value, x);
  }

  @Override
  void backward(Program p) {
    Slot in = input();
    if (!in.needsGradient) return;
    double[] x = in.value.toDoubles();
    double[] dy = p.gradientOf(output).toDoubles();
    double[] s = scales(x);
    double[] r = new double[x.length];
    for (int i = 0; i < x.length; i++) r[i] = dy[i] * x[i] * Math.pow(s[i], -op.beta() - 1);
    double k = 2 * op.alpha() * op.beta() / op.size();
    double[] dx = new double[x.length];
    for (int q = 0; q < x.length; q += channels) {
      for (int j = 0; j < channels; j++) {
        double sum = 0;
        // The windows holding channel j: those of c with first(c) <= j <= last(c).
        for (int c = 0; c < channels; c++)
          if (op.first(c) <= j && j <= op.last(c, channels)) sum += r[q + c];
        dx[q + j] = dy[q + j] * Math.pow(s[q + j], -op.beta()) - k * x[q + j] * sum;
      }
    }
    addGradient(p, in, dx, false);
  }

  @Override
  void tangent(Program p) {
    if (noInputTangent()) return;
    Slot in = input();
    double[] x = in.value.toDoubles();
    double[] tx = in.tangent.toDoubles();
    double[] s = scales(x);
    double k = 2 * op.alpha() / op.size();
    double[] ty = new double[x.length];
    for (int q = 0; q < x.length; q += channels) {
      for (int c = 0; c < channels; c++) {
        double dot = 0;
        for (int j = op.first(c); j <= op.last(c, channels); j++) dot += x[q + j] * tx[q + j];
        int i = q + c;
        ty[i] = tx[i] * Math.pow(s[i], -op.beta())
            - op.beta() * x[i] * Math.pow(s[i], -op.beta() - 1) * k * dot;
      }
    }
    SoftmaxStep.set(output.tangent, ty);
  }

  @Override
  void backwardTangent(Program p) {
    throw new bitlab.model.ModelException(
        "Node '" + node.name()
            + "' (LRN): Hessian-vector products do not go through local response "
            + "normalization in bitlab; rank the layers before it by their weights only, or remove the LRN.");
  }
}
