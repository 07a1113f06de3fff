package bitlab.nn;

import bitlab.model.Node;
import java.util.List;

/** The residual sum {@code y = a + b}; its gradient flows unchanged to both inputs. */
final class AddStep extends Step {
  AddStep(Node node, Slot a, Slot b, Slot output) {
    super(node, List.of(a, b), output);
  }

  @Override
  void forward(Program p) {
    p.backend.add(inputs.get(0).value, inputs.get(1).value, output.value);
  }

  @Override
  void backward(Program p) {
    Tensor dy = p.gradientOf(output);
    for (Slot in : inputs) {
      if (!in.needsGradient) continue;
      if (in.gradient == dy) {
        p.gradientDone(in, dy);
        continue;
      }
      Tensor t = p.gradientTarget(in);
      p.backend.copy(dy, t);
      p.gradientDone(in, t);
    }
  }

  @Override
  void tangent(Program p) {
    Slot a = inputs.get(0), b = inputs.get(1);
    if (a.hasTangent && b.hasTangent) p.backend.add(a.tangent, b.tangent, output.tangent);
    else if (a.hasTangent) p.backend.copy(a.tangent, output.tangent);
    else if (b.hasTangent) p.backend.copy(b.tangent, output.tangent);
    else output.tangent.zero();
  }

  @Override
  void backwardTangent(Program p) {
    Tensor gt = p.gradientTangentOf(output);
    for (Slot in : inputs) {
      if (!in.needsGradient) continue;
      Tensor t = p.gradientTangentTarget(in);
      p.backend.copy(gt, t);
      p.gradientTangentDone(in, t);
    }
  }
}
