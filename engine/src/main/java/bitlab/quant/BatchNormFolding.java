package bitlab.quant;

import bitlab.model.Model;
import bitlab.model.Node;
import bitlab.model.Op;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Graph pass: every BatchNorm that directly follows a Conv or Linear (and is that layer's only
 * reader) is folded into it: {@code W' = W·γ/√(σ²+ε)} per output channel and
 * {@code b' = (b−μ)·γ/√(σ²+ε)+β}. The layer keeps its name (so policies still apply) and gains a
 * bias; readers of the BatchNorm read the layer instead. Other BatchNorms stay.
 */
public final class BatchNormFolding {
  private BatchNormFolding() {}

  public static Model fold(Model m) {
    Map<String, Integer> readers = new HashMap<>();
    for (Node n : m.nodes()) for (String i : n.inputs()) readers.merge(i, 1, Integer::sum);
    Map<String, String> foldedInto = new HashMap<>();
    for (Node n : m.nodes()) {
      if (n.op() instanceof Op.BatchNorm && n.inputs().size() == 1) {
        Node layer = m.node(n.inputs().get(0));
        if (layer.quantizable() && readers.getOrDefault(layer.name(), 0) == 1)
          foldedInto.put(n.name(), layer.name());
      }
    }
    if (foldedInto.isEmpty()) return m;
    Map<String, String> bnOf = new HashMap<>();
    foldedInto.forEach((bn, layer) -> bnOf.put(layer, bn));
    List<Node> nodes = new ArrayList<>();
    Map<String, INDArray> params = new LinkedHashMap<>();
    for (Node n : m.nodes()) {
      if (foldedInto.containsKey(n.name())) continue;
      List<String> inputs =
          n.inputs().stream().map(i -> foldedInto.getOrDefault(i, i)).toList();
      String bn = bnOf.get(n.name());
      if (bn == null) {
        nodes.add(new Node(n.name(), n.op(), inputs, n.shape()));
        for (Op.Param p : n.op().params())
          params.put(n.param(p.name()), m.param(n.param(p.name())));
        continue;
      }
      Op.BatchNorm b = (Op.BatchNorm) m.node(bn).op();
      Op op = withBias(n.op());
      nodes.add(new Node(n.name(), op, inputs, n.shape()));
      INDArray[] wb = fold(m, n, bn, b);
      params.put(n.param("weight"), wb[0]);
      params.put(n.param("bias"), wb[1]);
    }
    return m.withNodes(nodes, params)
        .withMetadata("batchnorm", "folded into " + foldedInto.size() + " layers");
  }

  static Op withBias(Op op) {
    if (op instanceof Op.Conv2d c) {
      return c.withBias(true);
    }
    Op.Linear l = (Op.Linear) op;
    return new Op.Linear(l.in(), l.out(), true);
  }

  private static INDArray[] fold(Model m, Node layer, String bn, Op.BatchNorm b) {
    INDArray w = m.param(layer.param("weight")).castTo(DataType.DOUBLE);
    int out = (int) w.size(0);
    double[] bias = m.params().containsKey(layer.param("bias"))
        ? m.param(layer.param("bias")).castTo(DataType.DOUBLE).toDoubleVector()
        : new double[out];
    double[] weights = w.reshape(w.length()).toDoubleVector();
    double[] nb = b.fold(
        weights,
        bias,
        doubles(m, bn + ".weight"),
        doubles(m, bn + ".bias"),
        doubles(m, bn + ".running_mean"),
        doubles(m, bn + ".running_var"));
    INDArray nw = Nd4j.createFromArray(weights).reshape(w.shape()).castTo(DataType.FLOAT);
    return new INDArray[] {nw, Nd4j.createFromArray(nb).castTo(DataType.FLOAT)};
  }

  private static double[] doubles(Model m, String param) {
    return m.param(param).castTo(DataType.DOUBLE).toDoubleVector();
  }
}
