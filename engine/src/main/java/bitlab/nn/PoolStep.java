package bitlab.nn;

import bitlab.model.Node;
import bitlab.model.Op;
import java.util.List;

/** MaxPool, AvgPool and GlobalAvgPool (an average over the whole map, giving a vector). */
final class PoolStep extends Step {
  private final Backend.Pool kernel;
  /** A global pool's output seen as a 1x1 feature map (the same memory as the vector). */
  private final boolean global;

  PoolStep(Program p, Node node, Slot input, Slot output) {
    super(node, List.of(input), output);
    long[] x = input.dims;
    int n = (int) x[0], c = (int) x[1], h = (int) x[2], w = (int) x[3];
    Op op = node.op();
    global = op instanceof Op.GlobalAvgPool;
    Backend.PoolShape s;
    boolean max = false;
    if (global) {
      s = new Backend.PoolShape(n, c, h, w, 1, 1, h, w, 1, 1, 0, 0, 0, 0);
    } else {
      max = op instanceof Op.MaxPool;
      Op.Window k = max ? ((Op.MaxPool) op).window() : ((Op.AvgPool) op).window();
      s = new Backend.PoolShape(
          n,
          c,
          h,
          w,
          (int) output.dims[2],
          (int) output.dims[3],
          k.kernelH(),
          k.kernelW(),
          k.strideH(),
          k.strideW(),
          k.padTop(),
          k.padLeft(),
          k.padBottom(),
          k.padRight());
    }
    kernel = p.backend.pool(s, max, p.kind != Program.Kind.FORWARD);
  }

  private final java.util.Map<Tensor, Tensor> maps = new java.util.IdentityHashMap<>();

  /** The output as the kernel sees it: a global pool's vector as an {@code N x C x 1 x 1} map (one view per tensor). */
  private Tensor map(Tensor vector) {
    if (!global) return vector;
    return maps.computeIfAbsent(vector, v -> v.view(new long[] {v.dim(0), v.dim(1), 1, 1}, true));
  }

  @Override
  void forward(Program p) {
    kernel.forward(input().value, map(output.value));
  }

  @Override
  void backward(Program p) {
    Slot in = input();
    if (!in.needsGradient) return;
    Tensor t = p.gradientTarget(in);
    kernel.backward(map(p.gradientOf(output)), t);
    p.gradientDone(in, t);
  }

  @Override
  void tangent(Program p) {
    Slot in = input();
    if (!in.hasTangent) {
      output.tangent.zero();
      return;
    }
    kernel.tangent(in.value, in.tangent, map(output.tangent));
  }

  @Override
  void backwardTangent(Program p) {
    Slot in = input();
    if (!in.needsGradient) return;
    Tensor t = p.gradientTangentTarget(in);
    kernel.backward(map(p.gradientTangentOf(output)), t);
    p.gradientTangentDone(in, t);
  }
}
