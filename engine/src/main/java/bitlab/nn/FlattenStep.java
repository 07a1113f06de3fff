package bitlab.nn;

import bitlab.model.Node;
import java.util.List;
import java.util.Map;

/**
 * Flatten: a feature map ({@code NHWC} in memory) becomes a vector in PyTorch's order ({@code c·H·W + h·W + w}),
 * a reorder into a plain {@code NCHW} view of the output; the backward pass reorders back.
 */
final class FlattenStep extends Step {
  private final boolean image;
  private final Map<Tensor, Tensor> views = new java.util.IdentityHashMap<>();

  FlattenStep(Node node, Slot input, Slot output) {
    super(node, List.of(input), output);
    image = input.dims.length == 4;
  }

  /** A vector {@code [N, C·H·W]} seen as the plain {@code [N, C, H, W]} map it flattens. */
  private Tensor nchw(Tensor vector) {
    return views.computeIfAbsent(vector, v -> v.view(input().dims, false));
  }

  private void flatten(Program p, Tensor x, Tensor y) {
    if (image) p.backend.copy(x, nchw(y));
    else p.backend.copy(x, y);
  }

  private void unflatten(Program p, Tensor dy, Tensor dx) {
    if (image) p.backend.copy(nchw(dy), dx);
    else p.backend.copy(dy, dx);
  }

  @Override
  void forward(Program p) {
    flatten(p, input().value, output.value);
  }

  @Override
  void backward(Program p) {
    Slot in = input();
    if (!in.needsGradient) return;
    Tensor t = p.gradientTarget(in);
    unflatten(p, p.gradientOf(output), t);
    p.gradientDone(in, t);
  }

  @Override
  void tangent(Program p) {
    if (!input().hasTangent) {
      output.tangent.zero();
      return;
    }
    flatten(p, input().tangent, output.tangent);
  }

  @Override
  void backwardTangent(Program p) {
    Slot in = input();
    if (!in.needsGradient) return;
    Tensor t = p.gradientTangentTarget(in);
    unflatten(p, p.gradientTangentOf(output), t);
    p.gradientTangentDone(in, t);
  }
}
