package bitlab.integer;

import bitlab.model.Node;
import bitlab.model.Op;

/** The sentence for a node the integer executor has no kernel for: which node, why, and what to do instead. */
final class Refusals {
  private Refusals() {}

  static final String RUNS = "the integer executor runs Conv (incl. depthwise), Linear, BatchNorm folded into the layer before it, "
      + "ReLU, ReLU6, Add, Concat, MaxPool, AvgPool, GlobalAvgPool, Flatten, channel shuffles and slices, and a final Softmax";

  static String dilated(Node n, Op.Conv2d c) {
    return "Node '" + n.name() + "' (" + c.type() + ") is dilated (" + c.dilationH() + "x" + c.dilationW() + "); the integer executor's "
        + "convolutions take adjacent taps only: evaluate the fake-quantized float model, or rewrite the layer without dilation.";
  }

  static String window(Node n) {
    Op.Window w = n.op() instanceof Op.MaxPool p ? p.window() : ((Op.AvgPool) n.op()).window();
    return "Node '" + n.name() + "' (" + n.op().type() + ") pools with " + w + "; the integer executor pools square windows with one "
        + "stride and the same padding on every side: export the model without ceil_mode or asymmetric padding, or evaluate the "
        + "fake-quantized float model.";
  }

  static String noKernel(Node n) {
    Op op = n.op();
    String head = "Node '" + n.name() + "' (" + op.type() + ") has no integer kernel";
    String what;
    if (op instanceof Op.Clip c) {
      what = "; only the bounds [0, 6] (ReLU6) and [0, none] (ReLU) become integer clamps, and this Clip is [" + c.min() + ", " + c.max()
          + "]: retrain with ReLU6, or evaluate the fake-quantized float model (it simulates the same quantization)";
    } else if (op instanceof Op.Pointwise) {
      what = "; bitlab has no integer-only form of " + op.type() + " yet (a look-up table over the 8-bit input codes would be one): "
          + "replace it by ReLU or ReLU6 and fine-tune, or evaluate the fake-quantized float model";
    } else if (op instanceof Op.Mul) {
      what = "; a product of two activations (a squeeze-and-excitation gate) needs a requantization of the product that bitlab does not "
          + "generate yet: evaluate the fake-quantized float model, or remove the gate";
    } else {
      what = "; " + RUNS + ": evaluate the fake-quantized float model instead";
    }
    return head + what + ".";
  }
}
