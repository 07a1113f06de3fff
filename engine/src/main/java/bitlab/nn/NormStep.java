package bitlab.nn;

import bitlab.model.Node;
import bitlab.model.Op;
import java.util.List;

/**
 * BatchNorm: in training programs with this batch's statistics (kept for the running averages the
 * trainer updates), otherwise with the running ones, where it is an affine map per channel whose
 * tangent and backward pass are the same scaling.
 */
final class NormStep extends Step {
  private final Backend.Norm kernel;
  private final boolean batchStats;
  private final Tensor gamma, beta, mean, var;

  NormStep(Program p, Node node, Slot input, Slot output) {
    super(node, List.of(input), output);
    Op.BatchNorm b = (Op.BatchNorm) node.op();
    this.batchStats = p.net.mode() == Net.Mode.TRAINING;
    this.kernel = p.backend.norm(input.dims, b.epsilon(), batchStats);
    Net net = p.net;
    gamma = net.param(node.param("weight"));
    beta = net.param(node.param("bias"));
    mean = batchStats ? p.plain(b.channels()) : net.param(node.param("running_mean"));
    var = batchStats ? p.plain(b.channels()) : net.param(node.param("running_var"));
  }

  /** This batch's mean and biased variance (training programs, after a forward pass). */
  Tensor[] batchStatistics() {
    return batchStats ? new Tensor[] {mean, var} : null;
  }

  @Override
  void forward(Program p) {
    kernel.forward(input().value, gamma, beta, mean, var, output.value);
  }

  @Override
  void backward(Program p) {
    Slot in = input();
    Net net = p.net;
    Tensor dg = net.gradientTensor(node.param("weight"));
    Tensor db = net.gradientTensor(node.param("bias"));
    if (!in.needsGradient && dg == null && db == null) return;
    Tensor t = in.needsGradient ? p.gradientTarget(in) : p.scratch(in.dims, 0);
    kernel.backward(in.value, p.gradientOf(output), gamma, beta, mean, var, t, dg, db);
    if (in.needsGradient) p.gradientDone(in, t);
  }

  @Override
  void tangent(Program p) {
    if (batchStats) super.tangent(p);
    Slot in = input();
    if (!in.hasTangent) {
      output.tangent.zero();
      return;
    }
    kernel.backward(in.value, in.tangent, gamma, beta, mean, var, output.tangent, null, null);
  }

  @Override
  void backwardTangent(Program p) {
    Slot in = input();
    if (!in.needsGradient) return;
    Tensor t = p.gradientTangentTarget(in);
    kernel.backward(in.value, p.gradientTangentOf(output), gamma, beta, mean, var, t, null, null);
    p.gradientTangentDone(in, t);
  }
}
