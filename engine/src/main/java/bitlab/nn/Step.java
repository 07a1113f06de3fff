package bitlab.nn;

import bitlab.model.Node;
import java.util.List;

/**
 * One operation of a compiled program: a node of the model (or a few fused into one) with its forward
 * pass, its backward pass, and for Hessian-vector products its tangent (forward mode) and the tangent of
 * its backward pass. Steps read and write the tensors of {@link Slot}s; contributions to an input's
 * gradient go through {@link Program#gradientTarget} and {@link Program#gradientDone}, which add them up
 * when a value feeds several steps.
 */
abstract class Step {
  final Node node;
  final List<Slot> inputs;
  final Slot output;

  Step(Node node, List<Slot> inputs, Slot output) {
    this.node = node;
    this.inputs = inputs;
    this.output = output;
  }

  Slot input() {
    return inputs.get(0);
  }

  abstract void forward(Program p);

  void backward(Program p) {
    throw new UnsupportedOperationException("no backward pass for " + node.op().type());
  }

  /** The output's tangent from the inputs' tangents (and the parameters' tangents). */
  void tangent(Program p) {
    throw new bitlab.model.ModelException(
        "Node '" + node.name() + "' (" + node.op().type()
            + "): Hessian-vector products go through Conv, Linear, BatchNorm at inference, ReLU, ReLU6, the element-wise functions, Add, Mul, Concat, pooling and Flatten only.");
  }

  /** The inputs' gradient tangents (and the parameters') from the output's gradient and gradient tangent. */
  void backwardTangent(Program p) {
    tangent(p);
  }

  /** Adds values computed in plain loops (storage order) to a slot's gradient, or to its tangent. */
  static void addGradient(Program p, Slot s, double[] v, boolean tangent) {
    Tensor t = tangent ? p.gradientTangentTarget(s) : p.gradientTarget(s);
    SoftmaxStep.set(t, v);
    if (tangent) p.gradientTangentDone(s, t);
    else p.gradientDone(s, t);
  }

  /** For a one-input step whose input carries no tangent: zeroes the output's tangent and says so. */
  boolean noInputTangent() {
    if (input().hasTangent) return false;
    output.tangent.zero();
    return true;
  }

  /** Releases kernels' native memory (tensors belong to the program). */
  void close() {}
}
