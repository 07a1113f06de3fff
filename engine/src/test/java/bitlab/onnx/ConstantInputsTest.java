package bitlab.onnx;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import onnx.Onnx.NodeProto;
import onnx.Onnx.TensorProto;
import org.junit.jupiter.api.Test;

/**
 * Every constant input the importer reads as one value or a short list (Reshape's shape, Slice's starts, ends, axes and
 * steps, Split's sizes, Squeeze's and Unsqueeze's axes, Gather's indices, ConstantOfShape's shape and value, Clip's
 * bounds, a BatchNormalization's vectors, a layer's weight and bias, the operand of an element-wise op...), given
 * each malformed form a hand-edited or fuzzed file can carry: empty, too long, of rank 2, out of range, of the other
 * number type. Each graph either imports or is refused with one of bitlab's sentences naming a node of the graph by
 * its name and operator; never an index, arithmetic or allocation error from inside the importer.
 */
class ConstantInputsTest {
  /** The malformed forms of an integer list input. */
  private static final List<TensorProto> BAD_INTEGERS = List.of(
      ints("bad", new long[] {0}),
      ints("bad", new long[] {1, 1}, 0),
      ints("bad", new long[] {9}, 0, 0, 0, 0, 0, 0, 0, 0, 0),
      ints("bad", new long[] {1}, Long.MAX_VALUE),
      ints("bad", new long[] {1}, Long.MIN_VALUE),
      ints("bad", new long[] {2}, -99, 99),
      ints("bad", new long[] {4}, 1, -1, -1, 0),
      ints("bad", new long[] {3}, Long.MAX_VALUE, Long.MAX_VALUE, 6),
      ints("bad", new long[0], 3),
      floats("bad", new long[] {1}, 0.5f),
      floats("bad", new long[] {0}));

  /** The malformed forms of a float input (a weight, a bound, an operand). */
  private static final List<TensorProto> BAD_FLOATS = List.of(
      floats("bad", new long[] {0}),
      floats("bad", new long[] {7}, 1, 2, 3, 4, 5, 6, 7),
      floats("bad", new long[] {1, 1, 1, 1, 1}, 2f),
      floats("bad", new long[] {1}, Float.NaN),
      floats("bad", new long[] {2, 3}, 1, 2, 3, 4, 5, 6),
      ints("bad", new long[] {1}, 3));

  /** One way to put a malformed constant {@code bad} into a graph: builds the graph around it. */
  private record Case(String what, List<TensorProto> forms, Function<Graphs, Graphs> graph) {}

  private static List<Case> cases() {
    List<Case> c = new ArrayList<>();
    // activations: x is N x 4 x 6 x 6
    c.add(new Case("Reshape shape", BAD_INTEGERS, g -> g.node("Reshape", "r", l("x", "bad"), "y")));
    // Slice(x, starts, ends, axes, steps) with one of them malformed, the others [0], [2], [1], [1]
    List<String> roles = List.of("starts", "ends", "axes", "steps");
    long[] good = {0, 2, 1, 1};
    for (int k = 0; k < roles.size(); k++) {
      int bad = k;
      c.add(new Case("Slice " + roles.get(bad), BAD_INTEGERS, g -> {
        List<String> in = new ArrayList<>(List.of("x"));
        for (int i = 0; i < roles.size(); i++) {
          in.add(i == bad ? "bad" : roles.get(i));
          if (i != bad) g.longs(roles.get(i), good[i]);
        }
        return g.node("Slice", "sl", in, "y");
      }));
    }
    c.add(new Case(
        "Split split",
        BAD_INTEGERS,
        g -> g.node("Split", "sp", l("x", "bad"), List.of("y", "y2"), Graphs.integer("axis", 1))));
    c.add(new Case(
        "Split split, three outputs",
        BAD_INTEGERS,
        g -> g.node(
                "Split", "sp", l("x", "bad"), List.of("y1", "y2", "y3"), Graphs.integer("axis", 1))
            .node("Concat", "cc", l("y1", "y2", "y3"), "y", Graphs.integer("axis", 1))));
    c.add(new Case("Squeeze axes", BAD_INTEGERS, g -> g.node("Squeeze", "sq", l("x", "bad"), "y")));
    c.add(new Case(
        "Unsqueeze axes", BAD_INTEGERS, g -> g.node("Unsqueeze", "us", l("x", "bad"), "y")));
    c.add(new Case("Clip min", BAD_FLOATS, g -> g.node("Clip", "cl", l("x", "bad"), "y")));
    c.add(new Case(
        "Clip max",
        BAD_FLOATS,
        g -> g.floats("lo", new long[0], 0f).node("Clip", "cl", l("x", "lo", "bad"), "y")));
    for (String op : List.of("Add", "Sub", "Mul", "Div"))
      c.add(new Case(op + " operand", BAD_FLOATS, g -> g.node(op, "ew", l("x", "bad"), "y")));
    c.add(new Case(
        "BatchNormalization scale",
        BAD_FLOATS,
        g -> g.weight("b", 4)
            .weight("m", 4)
            .floats("v", new long[] {4}, 1, 1, 1, 1)
            .node("BatchNormalization", "bn", l("x", "bad", "b", "m", "v"), "y")));
    c.add(new Case(
        "BatchNormalization training_mode",
        BAD_INTEGERS,
        g -> g.floats("one", new long[] {4}, 1, 1, 1, 1)
            .weight("b", 4)
            .weight("m", 4)
            .node("BatchNormalization", "bn", l("x", "one", "b", "m", "one", "bad"), "y")));
    c.add(new Case("Conv weight", BAD_FLOATS, g -> g.node("Conv", "cv", l("x", "bad"), "y")));
    c.add(new Case(
        "Conv bias",
        BAD_FLOATS,
        g -> g.weight("w", 2, 4, 3, 3).node("Conv", "cv", l("x", "w", "bad"), "y")));
    c.add(new Case(
        "Gemm weight",
        BAD_FLOATS,
        g -> g.node("Flatten", "fl", l("x"), "f").node("Gemm", "gm", l("f", "bad"), "y")));
    c.add(new Case(
        "Gemm bias",
        BAD_FLOATS,
        g -> g.weight("w", 3, 144)
            .node("Flatten", "fl", l("x"), "f")
            .node("Gemm", "gm", l("f", "w", "bad"), "y", Graphs.integer("transB", 1))));
    c.add(new Case(
        "MatMul weight",
        BAD_FLOATS,
        g -> g.node("Flatten", "fl", l("x"), "f").node("MatMul", "mm", l("f", "bad"), "y")));
    c.add(new Case(
        "ReduceMean axes",
        BAD_INTEGERS,
        g -> g.node("ReduceMean", "rm", l("x", "bad"), "y", Graphs.integer("keepdims", 0))));
    // folded shape arithmetic: its result reshapes x
    c.add(new Case(
        "Gather indices",
        BAD_INTEGERS,
        g -> shapeOf(g).node("Gather", "ga", l("s", "bad"), "k").then("k")));
    c.add(new Case(
        "Slice (folded) starts",
        BAD_INTEGERS,
        g -> slice(shapeOf(g), "s", "bad", "e", null, null).longs("e", 2).then("y0")));
    c.add(new Case(
        "Slice (folded) ends",
        BAD_INTEGERS,
        g -> slice(shapeOf(g), "s", "b", "bad", null, null).longs("b", 0).then("y0")));
    c.add(new Case(
        "Slice (folded) steps",
        BAD_INTEGERS,
        g -> slice(shapeOf(g), "s", "b", "e", "a", "bad")
            .longs("b", 0)
            .longs("e", 2)
            .longs("a", 0)
            .then("y0")));
    c.add(new Case(
        "Unsqueeze (folded) axes",
        BAD_INTEGERS,
        g -> shapeOf(g)
            .longs("i", 1)
            .node("Gather", "ga", l("s", "i"), "k")
            .node("Unsqueeze", "us", l("k", "bad"), "u")
            .then("u")));
    // Shape(x) -> OP(shape, bad) -> reshapes x
    for (String op : List.of("Squeeze", "Reshape", "Add", "Div"))
      c.add(new Case(
          op + " (folded) second input",
          BAD_INTEGERS,
          g -> shapeOf(g).node(op, "folded", l("s", "bad"), "u").then("u")));
    c.add(new Case(
        "ConstantOfShape shape",
        BAD_INTEGERS,
        g -> g.node("ConstantOfShape", "cs", l("bad"), "k").node("Add", "ad", l("x", "k"), "y")));
    c.add(new Case(
        "Concat (folded) input",
        BAD_FLOATS,
        g -> shapeOf(g)
            .node("Concat", "cc", l("s", "bad"), "u", Graphs.integer("axis", 0))
            .then("u")));
    c.add(new Case(
        "ConstantOfShape value",
        BAD_FLOATS,
        g -> g.longs("shp", 4)
            .node("ConstantOfShape", "cs", l("shp"), "k", Graphs.tensor("value", "bad", g))
            .node("Add", "ad", l("x", "k"), "y")));
    // operators bitlab does not import, with malformed inputs: refused by name all the same
    c.add(new Case("Pad pads", BAD_INTEGERS, g -> g.node("Pad", "pd", l("x", "bad"), "y")));
    c.add(new Case(
        "Pad value",
        BAD_FLOATS,
        g -> g.longs("p", 0, 0, 1, 1, 0, 0, 1, 1).node("Pad", "pd", l("x", "p", "bad"), "y")));
    c.add(
        new Case("Resize scales", BAD_FLOATS, g -> g.node("Resize", "rz", l("x", "", "bad"), "y")));
    c.add(new Case(
        "Resize sizes", BAD_INTEGERS, g -> g.node("Resize", "rz", l("x", "", "", "bad"), "y")));
    c.add(new Case(
        "TopK k",
        BAD_INTEGERS,
        g -> g.node("Flatten", "fl", l("x"), "f")
            .node("TopK", "tk", l("f", "bad"), List.of("y", "i"))));
    return c;
  }

  @Test
  void everyMalformedConstantInputImportsOrIsOneSentenceNamingItsNode() {
    List<String> problems = new ArrayList<>();
    int refused = 0, imported = 0;
    for (Case k : cases()) {
      for (int opset : new int[] {9, 11, 13, 18}) {
        for (TensorProto bad : k.forms()) {
          Graphs g = new Graphs(opset).input("x", -1, 4, 6, 6);
          g.initializer(bad);
          byte[] b = k.graph().apply(g).output("y").bytes();
          String form = k.what() + " = " + describe(bad) + " (opset " + opset + ")";
          try {
            OnnxImport.read(b, "audit").layers();
            imported++;
          } catch (RuntimeException e) {
            if (!e.getClass().getName().startsWith("bitlab.")) {
              problems.add(form + ": " + e);
              continue;
            }
            refused++;
            String m = e.getMessage();
            boolean names = false;
            for (NodeProto n : g.model().getGraph().getNodeList())
              names |= m.contains("'" + n.getName() + "' (" + n.getOpType() + ")")
                  || m.contains("'" + n.getName() + "' uses the ONNX operator " + n.getOpType());
            if (!names) problems.add(form + ": names no node: " + m);
            if (m.isBlank() || m.contains("\n")) problems.add(form + ": not one sentence: " + m);
          }
        }
      }
    }
    if (!problems.isEmpty())
      fail(problems.size() + " malformed inputs (" + refused + " refused well, " + imported
          + " imported):\n" + String.join("\n", problems));
    assertTrue(refused > imported, refused + " refused, " + imported + " imported");
  }

  private static Graphs slice(Graphs g, String x, String b, String e, String a, String s) {
    List<String> in = new ArrayList<>(List.of(x, b, e));
    if (a != null) in.add(a);
    if (s != null) in.add(s);
    return g.node("Slice", "sl", in, x.equals("x") ? "y" : "y0");
  }

  /** {@code s = Shape(x)}, for the folded cases. */
  private static Graphs shapeOf(Graphs g) {
    return g.node("Shape", "sh", l("x"), "s");
  }

  private static List<String> l(String... v) {
    return List.of(v);
  }

  private static TensorProto ints(String name, long[] dims, long... v) {
    TensorProto.Builder t = tensor(name, TensorProto.DataType.INT64_VALUE, dims);
    for (long x : v) t.addInt64Data(x);
    return t.build();
  }

  private static TensorProto floats(String name, long[] dims, float... v) {
    TensorProto.Builder t = tensor(name, TensorProto.DataType.FLOAT_VALUE, dims);
    for (float x : v) t.addFloatData(x);
    return t.build();
  }

  private static TensorProto.Builder tensor(String name, int type, long[] dims) {
    TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(type);
    for (long d : dims) t.addDims(d);
    return t;
  }

  private static String describe(TensorProto t) {
    String v = t.getDataType() == TensorProto.DataType.INT64_VALUE
        ? t.getInt64DataList().toString()
        : t.getFloatDataList().toString();
    return (t.getDataType() == TensorProto.DataType.INT64_VALUE ? "int64 " : "float ") + v
        + " of shape " + t.getDimsList();
  }
}
