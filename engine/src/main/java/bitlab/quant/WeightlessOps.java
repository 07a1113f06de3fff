package bitlab.quant;

import bitlab.hardware.TensorWorkload;
import bitlab.model.Model;
import bitlab.model.Node;
import bitlab.model.Op;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The operators without weights of a folded model under a policy and placement, as {@link TensorWorkload}s: each reads
 * and writes its tensors at the widths they are stored at ({@link StoredWidths}). What runs inside a layer is left out,
 * as the integer program fuses it: a ReLU or ReLU6 that is the only reader of a layer, an Add or a BatchNorm, a
 * residual Add that a layer's accumulator goes straight into (its other branch is the layer's addend), a Flatten (a
 * view of the same bytes) and a final Softmax (the prediction is the logits' argmax).
 */
final class WeightlessOps {
  private final Model folded;
  private final Map<String, List<Node>> readers;
  private final Map<String, ActivationPoints.Point> points;
  private final StoredWidths widths;

  WeightlessOps(
      Model folded,
      Map<String, List<Node>> readers,
      Map<String, ActivationPoints.Point> points,
      StoredWidths widths) {
    this.folded = folded;
    this.readers = readers;
    this.points = points;
    this.widths = widths;
  }

  List<TensorWorkload> workloads() {
    Set<String> intoLayers = new HashSet<>();
    for (Node n : folded.layers()) {
      String add =
          points.containsKey(n.name()) ? null : ActivationPoints.addOf(folded, n.name(), readers);
      if (add != null) intoLayers.add(add);
    }
    List<TensorWorkload> out = new ArrayList<>();
    for (Node n : folded.nodes()) {
      Op op = n.op();
      if (n.quantizable()
          || op instanceof Op.Input
          || op instanceof Op.Flatten
          || (op instanceof Op.Softmax && n.name().equals(folded.output().name()))
          || intoLayers.contains(n.name())
          || fused(n)) continue;
      long read = 0, readBits = 0;
      int widest = 1;
      for (String in : n.inputs()) {
        long e = folded.node(in).shape().elements();
        int b = bits(in);
        read += e;
        readBits += e * b;
        widest = Math.max(widest, b);
      }
      long written = n.shape().elements();
      int b = bits(n.name());
      widest = Math.max(widest, b);
      out.add(new TensorWorkload(
          n.name(), op.type(), read, readBits, written, written * b, operations(n, read), widest));
    }
    return out;
  }

  /** A ReLU or ReLU6 that runs inside the layer, Add or BatchNorm (or fused ReLU) it is the only reader of. */
  private boolean fused(Node n) {
    if (!(n.op() instanceof Op.Relu || n.op() instanceof Op.Relu6)) return false;
    Node src = folded.node(n.inputs().get(0));
    return readers.getOrDefault(src.name(), List.of()).size() == 1
        && (src.quantizable()
            || src.op() instanceof Op.Add
            || src.op() instanceof Op.BatchNorm
            || fused(src));
  }

  /** Bits per element of a node's value as stored: its own point, its fused ReLU's, or what it passes through. */
  private int bits(String node) {
    String cur = node;
    while (!points.containsKey(cur)) {
      List<Node> r = readers.getOrDefault(cur, List.of());
      if (r.size() != 1 || !(r.get(0).op() instanceof Op.Relu || r.get(0).op() instanceof Op.Relu6))
        return widths.stored(node, points);
      cur = r.get(0).name();
    }
    return points.get(cur).bits();
  }

  /** Element-wise operations per image: one per output element, one per window cell for a pooling. */
  private static long operations(Node n, long read) {
    long out = n.shape().elements();
    Op op = n.op();
    if (op instanceof Op.Pool p) return out * p.window().kernelH() * p.window().kernelW();
    if (op instanceof Op.GlobalAvgPool) return read;
    if (op instanceof Op.Lrn l) return out * (l.size() + 2);
    if (op instanceof Op.ChannelMap) return 0;
    return out;
  }
}
