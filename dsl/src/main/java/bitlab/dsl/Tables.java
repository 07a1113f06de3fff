package bitlab.dsl;

import bitlab.model.Model;
import bitlab.model.Node;
import bitlab.model.Op;
import bitlab.model.Zoo;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.LongColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/** Engine values as Tablesaw tables: what notebooks render and what users can slice further. */
public final class Tables {
  private Tables() {}

  /** One row per node: name, operator, output shape, inputs, parameters and MACs per image. */
  public static Table layers(Model m) {
    StringColumn name = StringColumn.create("layer");
    StringColumn op = StringColumn.create("op");
    StringColumn shape = StringColumn.create("output");
    StringColumn inputs = StringColumn.create("inputs");
    LongColumn params = LongColumn.create("params");
    LongColumn macs = LongColumn.create("MACs");
    Map<String, Long> macByLayer = new java.util.HashMap<>();
    m.workloads().forEach(w -> macByLayer.put(w.name(), w.macs()));
    for (Node n : m.nodes()) {
      name.append(n.name());
      op.append(describe(n.op()));
      shape.append(n.shape().toString());
      inputs.append(String.join(", ", n.inputs()));
      long p = 0;
      for (Op.Param pp : n.op().params()) {
        if (!pp.name().startsWith("running_")) {
          INDArray a = m.params().get(n.param(pp.name()));
          p += a == null ? 0 : a.length();
        }
      }
      params.append(p);
      macs.append(macByLayer.getOrDefault(n.name(), 0L));
    }
    return Table.create(m.name(), name, op, shape, inputs, params, macs);
  }

  /** The zoo catalogue. */
  public static Table zoo() {
    StringColumn name = StringColumn.create("name");
    StringColumn what = StringColumn.create("description");
    IntColumn size = IntColumn.create("input");
    StringColumn weights = StringColumn.create("weights");
    for (Zoo.Entry e : Zoo.entries()) {
      name.append(e.name());
      what.append(e.description());
      size.append(e.inputSize());
      weights.append(e.trained() ? "trained (MNIST)" : "random");
    }
    return Table.create("zoo", name, what, size, weights);
  }

  static String describe(Op op) {
    if (op instanceof Op.Conv2d c) {
      return String.format(
          "%s %dx%d/%s %d->%d%s",
          c.type(),
          c.kernelH(),
          c.kernelW(),
          c.squareStride() ? String.valueOf(c.strideH()) : c.strideH() + "x" + c.strideW(),
          c.in(),
          c.out(),
          c.groups() > 1 && !c.depthwise() ? " g" + c.groups() : "");
    }
    if (op instanceof Op.Linear l) return "Linear " + l.in() + "->" + l.out();
    if (op instanceof Op.Pool p) return p.type() + " " + window(p.window());
    return op.type();
  }

  /** {@code 3/2} for a square window, {@code 3x2/2x1} otherwise (kernel over stride; padding is not shown). */
  private static String window(Op.Window w) {
    return w.kernelH() == w.kernelW() && w.strideH() == w.strideW()
        ? w.kernelH() + "/" + w.strideH()
        : w.kernelH() + "x" + w.kernelW() + "/" + w.strideH() + "x" + w.strideW();
  }
}
