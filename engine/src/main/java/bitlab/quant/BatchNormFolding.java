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
 *
 * <p>Each model is folded once: {@link #fold} keeps the result per model (by identity, weakly, so a model
 * no cell holds is forgotten) and hands the same folded model to every caller (PTQ, calibration, QAT, the
 * policy a notebook writes, cost reports, the CLI). That is safe because nothing changes a model's arrays
 * in place: training and QAT copy them into the float engine and return a new model
 * ({@code BatchNormFoldingTest} checks that QAT leaves the folded arrays as they were).
 */
public final class BatchNormFolding {
  private BatchNormFolding() {}

  // Model does not override equals, so the map compares keys by identity.
  private static final Map<Model, Object> FOLDED =
      java.util.Collections.synchronizedMap(new java.util.WeakHashMap<>());
  // the value for a model folding leaves as it is (a map whose value held its own key would never
  // forget it)
  private static final Object UNCHANGED = new Object();

  /** The model with its BatchNorms folded, computed once per model. */
  public static Model fold(Model m) {
    Object known = FOLDED.get(m);
    if (known == UNCHANGED) return m;
    if (known != null) return (Model) known;
    Model f = foldOnce(m);
    if (f == m) {
      FOLDED.put(m, UNCHANGED);
    } else {
      FOLDED.put(m, f);
      FOLDED.put(f, UNCHANGED);
    }
    return f;
  }

  private static Model foldOnce(Model m) {
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
