package bitlab.integer;

import bitlab.model.Node;

/** The sentence for a node the integer executor has no kernel for: which node, why, and what to do instead. */
final class Refusals {
  private Refusals() {}

  static final String RUNS =
      "the integer executor runs Conv (incl. depthwise and dilated), Linear, BatchNorm folded into the layer before it, "
          + "ReLU, ReLU6, Add, Concat, MaxPool, AvgPool, GlobalAvgPool, Flatten, channel shuffles and slices, the element-wise functions "
          + "(by look-up tables), products of activations, LRN, and a final Softmax";

  static String noKernel(Node n) {
    return "Node '" + n.name() + "' (" + n.op().type() + ") has no integer kernel; " + RUNS
        + ": evaluate the fake-quantized float model instead.";
  }
}
