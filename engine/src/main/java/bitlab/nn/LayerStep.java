package bitlab.nn;

import bitlab.model.Node;
import bitlab.model.Op;
import java.util.List;

/**
 * A Conv2d or Linear node, possibly with what inference fuses into it: a BatchNorm folded into its
 * weights and bias, a residual Add as a sum post-op (the output holds the addend before the kernel
 * runs), and a ReLU or ReLU6 as an activation post-op. A weight hook runs before every forward pass.
 */
final class LayerStep extends Step {
  private final Node bn;
  private final Slot addend;
  private final Backend.Layer kernel;
  private final Transform weightHook;
  private final Tensor weight;
  private final Tensor bias;
  /** What the kernel computes with: the weight itself, or the hooked or folded copy. */
  private final Tensor effectiveWeight;

  private final Tensor effectiveBias;
  private final Backend.Prepared prepared;
  private final Tensor effectiveGradient;
  private Backend.Prepared preparedTangent;
  private Tensor weightScratch;
  private Tensor biasScratch;

  LayerStep(
      Program p,
      Node layer,
      Node bn,
      Slot addend,
      Backend.Activation.Kind activation,
      Slot input,
      Slot output) {
    super(layer, addend == null ? List.of(input) : List.of(input, addend), output);
    this.bn = bn;
    this.addend = addend;
    Net net = p.net;
    this.weight = net.param(layer.param("weight"));
    boolean hasBias = hasBias(layer.op());
    this.bias = hasBias ? net.param(layer.param("bias")) : null;
    this.weightHook = net.weightHook(layer.name());
    boolean folded = bn != null;
    this.effectiveWeight = weightHook != null || folded ? p.plain(weight.dims()) : weight;
    this.effectiveBias = folded ? p.plain(output.dims[1]) : bias;
    this.effectiveGradient =
        weightHook != null && p.kind != Program.Kind.FORWARD ? p.plain(weight.dims()) : null;
    Backend.Post post = new Backend.Post(activation, addend != null);
    boolean train = p.kind != Program.Kind.FORWARD;
    if (layer.op() instanceof Op.Conv2d c) {
      long[] x = input.dims;
      long[] y = output.dims;
      kernel = p.backend.conv(
          new Backend.ConvShape(
              (int) x[0],
              c.in(),
              c.out(),
              (int) x[2],
              (int) x[3],
              (int) y[2],
              (int) y[3],
              c.kernelH(),
              c.kernelW(),
              c.strideH(),
              c.strideW(),
              c.padH(),
              c.padW(),
              c.groups(),
              c.dilationH(),
              c.dilationW()),
          effectiveBias != null,
          post,
          train);
    } else {
      Op.Linear l = (Op.Linear) layer.op();
      kernel = p.backend.linear(
          (int) input.dims[0], l.in(), l.out(), effectiveBias != null, post, train);
    }
    refresh(net);
    this.prepared = kernel.prepare(effectiveWeight);
  }

  static boolean hasBias(Op op) {
    return op instanceof Op.Conv2d c ? c.bias() : ((Op.Linear) op).bias();
  }

  String describe() {
    return kernel.describe();
  }

  /** Recomputes the folded weights and bias from the parameters (inference fusion only). */
  private void refresh(Net net) {
    if (bn == null) return;
    double[] gamma = net.param(bn.param("weight")).toDoubles();
    double[] beta = net.param(bn.param("bias")).toDoubles();
    double[] mean = net.param(bn.param("running_mean")).toDoubles();
    double[] var = net.param(bn.param("running_var")).toDoubles();
    double[] w = weight.toDoubles();
    double[] b = bias == null ? new double[gamma.length] : bias.toDoubles();
    double[] fb = ((Op.BatchNorm) bn.op()).fold(w, b, gamma, beta, mean, var);
    effectiveWeight.setAll(w);
    effectiveBias.setAll(fb);
  }

  /** The parameters changed: fold and lay out the weights again. */
  void reload(Net net) {
    refresh(net);
    if (weightHook == null) prepared.load();
  }

  @Override
  void forward(Program p) {
    if (weightHook != null) {
      weightHook.forward(weight, effectiveWeight);
      prepared.load();
    }
    Tensor y = output.value;
    if (addend != null && addend.value != y) p.backend.copy(addend.value, y);
    kernel.forward(input().value, prepared, effectiveBias, y);
  }

  @Override
  void backward(Program p) {
    Tensor dy = p.gradientOf(output);
    Slot in = input();
    if (in.needsGradient) {
      Tensor t = p.gradientTarget(in);
      kernel.backwardData(dy, prepared, t);
      p.gradientDone(in, t);
    }
    Net net = p.net;
    Tensor dw = net.gradientTensor(node.param("weight"));
    Tensor db = bias == null ? null : net.gradientTensor(node.param("bias"));
    if (dw == null && db == null && weightHook == null) return;
    Tensor wTarget = weightHook != null ? effectiveGradient : dw != null ? dw : scratchWeight(p);
    Tensor bTarget = bias == null ? null : db != null ? db : scratchBias(p);
    kernel.backwardWeights(in.value, dy, wTarget, bTarget);
    if (weightHook != null)
      weightHook.backward(weight, effectiveGradient, dw != null ? dw : scratchWeight(p));
  }

  private Tensor scratchWeight(Program p) {
    if (weightScratch == null) weightScratch = p.plain(weight.dims());
    return weightScratch;
  }

  private Tensor scratchBias(Program p) {
    if (biasScratch == null) biasScratch = p.plain(bias.dims());
    return biasScratch;
  }

  /** The weight's tangent laid out for the kernel (null if it has none); {@code load} re-reads it (a new direction). */
  private Backend.Prepared tangentWeights(Program p, boolean load) {
    Tensor v = p.net.tangentTensor(node.param("weight"));
    if (v == null) return null;
    if (preparedTangent == null) preparedTangent = kernel.prepare(v);
    else if (load) preparedTangent.load();
    return preparedTangent;
  }

  @Override
  void tangent(Program p) {
    if (weightHook != null || bn != null || addend != null) super.tangent(p);
    Tensor ty = output.tangent;
    ty.zero();
    if (input().hasTangent) kernel.forwardAdd(input().tangent, prepared, ty);
    Backend.Prepared v = tangentWeights(p, true);
    if (v != null) kernel.forwardAdd(input().value, v, ty);
  }

  @Override
  void backwardTangent(Program p) {
    Tensor gt = p.gradientTangentOf(output);
    Tensor dy = p.gradientOf(output);
    Slot in = input();
    Backend.Prepared v = tangentWeights(p, false);
    if (in.needsGradient) {
      Tensor t = p.gradientTangentTarget(in);
      kernel.backwardData(gt, prepared, t);
      if (v != null) {
        Tensor extra = p.scratch(in.dims, 1);
        kernel.backwardData(dy, v, extra);
        p.backend.accumulate(t, extra);
      }
      p.gradientTangentDone(in, t);
    }
    Tensor hv = p.net.hessianVectorTensor(node.param("weight"));
    Tensor hb = bias == null ? null : p.net.hessianVectorTensor(node.param("bias"));
    if (hv != null || hb != null) {
      // d(dW) = x ⋆ d(dy) + ẋ ⋆ dy; d(db) = Σ d(dy) (the bias does not multiply x).
      Tensor b = bias == null ? null : hb != null ? hb : scratchBias(p);
      kernel.backwardWeights(in.value, gt, hv != null ? hv : scratchWeight(p), b);
      if (in.hasTangent && hv != null) {
        Tensor w = scratchWeight(p);
        kernel.backwardWeights(in.tangent, dy, w, bias == null ? null : scratchBias(p));
        p.backend.accumulate(hv, w);
      }
    }
  }

  @Override
  void close() {
    prepared.close();
    if (preparedTangent != null) preparedTangent.close();
  }
}
