package bitlab.nn;

import bitlab.model.Node;
import bitlab.model.Op;
import java.util.List;

/**
 * A channel shuffle or slice ({@link Op.ChannelMap}): output channel {@code o} copies input channel {@code source(o)};
 * the backward pass adds each output channel's gradient back into its source. Linear, so the tangents take the same
 * two paths. Plain loops over the channels-last storage, on either backend.
 */
final class ChannelMapStep extends Step {
  private final int[] source;
  private final int inChannels;

  ChannelMapStep(Node node, Slot input, Slot output) {
    super(node, List.of(input), output);
    Op.ChannelMap op = (Op.ChannelMap) node.op();
    inChannels = (int) input.dims[1];
    source = new int[(int) output.dims[1]];
    for (int o = 0; o < source.length; o++) source[o] = op.source(o, inChannels);
  }

  private double[] gather(Tensor x) {
    double[] v = x.toDoubles();
    int pixels = v.length / inChannels;
    double[] y = new double[pixels * source.length];
    for (int p = 0; p < pixels; p++)
      for (int o = 0; o < source.length; o++)
        y[p * source.length + o] = v[p * inChannels + source[o]];
    return y;
  }

  private double[] scatter(Tensor dy) {
    double[] g = dy.toDoubles();
    int pixels = g.length / source.length;
    double[] dx = new double[pixels * inChannels];
    for (int p = 0; p < pixels; p++)
      for (int o = 0; o < source.length; o++)
        dx[p * inChannels + source[o]] += g[p * source.length + o];
    return dx;
  }

  @Override
  void forward(Program p) {
    SoftmaxStep.set(output.value, gather(input().value));
  }

  @Override
  void backward(Program p) {
    Slot in = input();
    if (!in.needsGradient) return;
    addGradient(p, in, scatter(p.gradientOf(output)), false);
  }

  @Override
  void tangent(Program p) {
    if (noInputTangent()) return;
    SoftmaxStep.set(output.tangent, gather(input().tangent));
  }

  @Override
  void backwardTangent(Program p) {
    Slot in = input();
    if (!in.needsGradient) return;
    addGradient(p, in, scatter(p.gradientTangentOf(output)), true);
  }
}
