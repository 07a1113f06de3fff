package bitlab.nn;

import bitlab.model.Node;
import java.util.ArrayList;
import java.util.List;

/** Concatenation along channels; the backward pass hands each input its channels of the gradient. */
final class ConcatStep extends Step {
  private final Backend.Concat kernel;

  ConcatStep(Program p, Node node, List<Slot> inputs, Slot output) {
    super(node, inputs, output);
    List<long[]> dims = new ArrayList<>();
    for (Slot s : inputs) dims.add(s.dims);
    kernel = p.backend.concat(dims, output.dims);
  }

  @Override
  void forward(Program p) {
    List<Tensor> xs = new ArrayList<>();
    for (Slot s : inputs) xs.add(s.value);
    kernel.forward(xs, output.value);
  }

  @Override
  void backward(Program p) {
    List<Tensor> targets = new ArrayList<>();
    for (Slot s : inputs) targets.add(s.needsGradient ? p.gradientTarget(s) : null);
    kernel.backward(p.gradientOf(output), targets);
    for (int i = 0; i < inputs.size(); i++)
      if (targets.get(i) != null) p.gradientDone(inputs.get(i), targets.get(i));
  }

  @Override
  void tangent(Program p) {
    List<Tensor> xs = new ArrayList<>();
    for (int i = 0; i < inputs.size(); i++) {
      Slot s = inputs.get(i);
      if (s.hasTangent) {
        xs.add(s.tangent);
      } else {
        Tensor z = p.scratch(s.dims, 2 + i);
        z.zero();
        xs.add(z);
      }
    }
    kernel.forward(xs, output.tangent);
  }

  @Override
  void backwardTangent(Program p) {
    List<Tensor> targets = new ArrayList<>();
    for (Slot s : inputs) targets.add(s.needsGradient ? p.gradientTangentTarget(s) : null);
    kernel.backward(p.gradientTangentOf(output), targets);
    for (int i = 0; i < inputs.size(); i++)
      if (targets.get(i) != null) p.gradientTangentDone(inputs.get(i), targets.get(i));
  }
}
