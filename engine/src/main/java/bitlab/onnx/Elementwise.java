package bitlab.onnx;

import bitlab.model.Model;
import bitlab.model.Node;
import bitlab.model.Op;
import java.util.List;
import java.util.Set;
import onnx.Onnx.GraphProto;

/**
 * The ONNX export of the element-wise operators at opset 13: Sigmoid, HardSigmoid and Clip as themselves, SiLU as
 * {@code x * Sigmoid(x)}, HardSwish as {@code x * HardSigmoid(x)} (ONNX's HardSwish came with opset 14), and Mul, whose
 * per-channel gate (an N x C vector in bitlab) is unsqueezed to N x C x 1 x 1 to broadcast over the map.
 */
final class Elementwise {
  private Elementwise() {}

  static void nodes(
      GraphProto.Builder g,
      Model model,
      Node n,
      List<String> in,
      OnnxExport.Scalars scalars,
      Set<String> taken) {
    Op op = n.op();
    String name = n.name();
    String x = in.get(0);
    if (op instanceof Op.Sigmoid) {
      g.addNode(OnnxExport.node("Sigmoid", name, in, name));
    } else if (op instanceof Op.HardSigmoid h) {
      g.addNode(OnnxExport.node(
          "HardSigmoid",
          name,
          in,
          name,
          OnnxExport.real("alpha", (float) h.alpha()),
          OnnxExport.real("beta", (float) h.beta())));
    } else if (op instanceof Op.Clip c) {
      g.addNode(OnnxExport.node(
          "Clip", name, List.of(x, bound(c.min(), scalars), bound(c.max(), scalars)), name));
    } else if (op instanceof Op.Silu || op instanceof Op.HardSwish) {
      String gate = OnnxExport.fresh(name + ".gate", taken);
      if (op instanceof Op.Silu) g.addNode(OnnxExport.node("Sigmoid", gate, in, gate));
      else
        g.addNode(OnnxExport.node(
            "HardSigmoid",
            gate,
            in,
            gate,
            OnnxExport.real("alpha", 1f / 6),
            OnnxExport.real("beta", 0.5f)));
      g.addNode(OnnxExport.node("Mul", name, List.of(x, gate), name));
    } else if (op instanceof Op.Mul) {
      g.addNode(OnnxExport.node(
          "Mul",
          name,
          List.of(gated(g, model, n, in, 0, taken), gated(g, model, n, in, 1, taken)),
          name));
    } else {
      throw new OnnxException(
          "Node '" + name + "' (" + op.type() + ") has no ONNX export in bitlab yet.");
    }
  }

  /** An absent bound is an empty input name (ONNX's optional input left out). */
  private static String bound(double v, OnnxExport.Scalars scalars) {
    return Math.abs(v) >= Float.MAX_VALUE ? "" : scalars.get((float) v);
  }

  /** Input {@code i} of a Mul as ONNX must see it: a per-channel vector beside a feature map unsqueezed to N x C x 1 x 1. */
  private static String gated(
      GraphProto.Builder g, Model model, Node n, List<String> in, int i, Set<String> taken) {
    String v = in.get(i);
    if (n.shape().rank() == model.node(n.inputs().get(i)).shape().rank()) return v;
    String axes = OnnxExport.longs(g, n.name() + ".axes", taken, 2, 3);
    String out = OnnxExport.fresh(n.name() + ".nc11", taken);
    g.addNode(OnnxExport.node("Unsqueeze", out, List.of(v, axes), out));
    return out;
  }
}
