package bitlab.integer;

import bitlab.model.Node;
import bitlab.model.Op;

/** The sentence for a node the integer executor has no kernel for: which node, why, and what to do instead. */
final class Refusals {
  private Refusals() {}

  static final String RUNS =
      "the integer executor runs Conv (incl. depthwise and dilated), Linear, BatchNorm folded into the layer before it, "
          + "ReLU, ReLU6, Add, Concat, MaxPool, AvgPool, GlobalAvgPool, Flatten, channel shuffles and slices, the element-wise functions "
          + "(by look-up tables), products of activations, LRN, and a final Softmax";

  static String window(Node n) {
    Op.Window w = n.op() instanceof Op.MaxPool p ? p.window() : ((Op.AvgPool) n.op()).window();
    return "Node '" + n.name() + "' (" + n.op().type() + ") pools with " + w
        + "; the integer executor pools square windows with one "
        + "stride and the same padding on every side: export the model without ceil_mode or asymmetric padding, or evaluate the "
        + "fake-quantized float model.";
  }

  static String noKernel(Node n) {
    return "Node '" + n.name() + "' (" + n.op().type() + ") has no integer kernel; " + RUNS
        + ": evaluate the fake-quantized float model instead.";
  }
}
