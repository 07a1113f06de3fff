package bitlab.nn;

import bitlab.model.Node;
import java.util.List;

/** ReLU or ReLU6; it may overwrite its input (the derivative is read from the output). */
final class ActivationStep extends Step {
  private final Backend.Activation kernel;

  ActivationStep(Program p, Node node, Backend.Activation.Kind kind, Slot input, Slot output) {
    super(node, List.of(input), output);
    kernel = p.backend.activation(kind, input.dims);
  }

  @Override
  void forward(Program p) {
    kernel.forward(input().value, output.value);
  }

  @Override
  void backward(Program p) {
    Slot in = input();
    if (!in.needsGradient) return;
    Tensor t = p.gradientTarget(in);
    kernel.backward(output.value, p.gradientOf(output), t);
    p.gradientDone(in, t);
  }

  @Override
  void tangent(Program p) {
    if (!input().hasTangent) {
      output.tangent.zero();
      return;
    }
    kernel.backward(output.value, input().tangent, output.tangent);
  }

  @Override
  void backwardTangent(Program p) {
    Slot in = input();
    if (!in.needsGradient) return;
    Tensor t = p.gradientTangentTarget(in);
    kernel.backward(output.value, p.gradientTangentOf(output), t);
    p.gradientTangentDone(in, t);
  }
}
