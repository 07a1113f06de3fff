package bitlab.nn;

import bitlab.model.Node;
import java.util.List;

/** A node's output hook: the transformed value the next nodes see, computed from the node's own output. */
final class HookStep extends Step {
  private final Transform transform;

  HookStep(Node node, Transform transform, Slot raw, Slot output) {
    super(node, List.of(raw), output);
    this.transform = transform;
  }

  @Override
  void forward(Program p) {
    transform.forward(input().value, output.value);
  }

  @Override
  void backward(Program p) {
    Slot in = input();
    Tensor dy = p.gradientOf(output);
    Tensor t = in.needsGradient ? p.gradientTarget(in) : p.scratch(in.dims, 0);
    transform.backward(in.value, dy, t);
    if (in.needsGradient) p.gradientDone(in, t);
  }
}
