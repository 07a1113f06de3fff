package bitlab.onnx;

import bitlab.onnx.GraphImporter.Dyn;
import onnx.Onnx.NodeProto;

/** One ONNX node being imported: its inputs resolved to constants or activations, its attributes, its name for messages. */
final class Call {
  private final GraphImporter g;
  private final NodeProto proto;
  private final int index;
  private final Attributes attrs;

  Call(GraphImporter g, NodeProto proto, int index) {
    if (proto.getOutputCount() == 0 || proto.getOutput(0).isEmpty()) {
      throw new OnnxFormatException("ONNX node #" + index + " (" + proto.getOpType()
          + ") has no output; the file is malformed.");
    }
    this.g = g;
    this.proto = proto;
    this.index = index;
    this.attrs = new Attributes(display(), proto);
  }

  NodeProto proto() {
    return proto;
  }

  String opType() {
    return proto.getOpType();
  }

  String onnxName() {
    return proto.getName();
  }

  Attributes attrs() {
    return attrs;
  }

  int opset() {
    return g.opset();
  }

  /**
   * The node as messages name it: its ONNX name, or its position, operator and output when it has none;
   * a name that is only an exporter's counter (Caffe2's {@code n2}) also gets its output, which says where it is.
   */
  String display() {
    String name = proto.getName();
    if (name.isBlank())
      return "#" + index + " (" + proto.getOpType() + ", output " + proto.getOutput(0) + ")";
    return COUNTER.matcher(name).matches() ? name + " (output " + proto.getOutput(0) + ")" : name;
  }

  private static final java.util.regex.Pattern COUNTER =
      java.util.regex.Pattern.compile("[A-Za-z_]{0,2}\\d+");

  /** {@code 'name' (OpType)} for messages. */
  String label() {
    return "'" + display() + "' (" + opType() + ")";
  }

  int inputs() {
    return proto.getInputCount();
  }

  String inputName(int i) {
    return proto.getInput(i);
  }

  boolean present(int i) {
    return i < proto.getInputCount() && !proto.getInput(i).isEmpty();
  }

  /** Input {@code i}: a {@link Const} or a {@link Dyn}. */
  Object in(int i) {
    if (!present(i)) {
      throw new OnnxFormatException(
          "ONNX node " + label() + " lacks its input " + (i + 1) + "; the file is malformed.");
    }
    Object v = g.value(proto.getInput(i));
    if (v == null) {
      throw new OnnxFormatException(
          "ONNX node " + label() + " reads '" + proto.getInput(i)
              + "', which no earlier node or initializer defines; the graph is not in topological order or is incomplete.");
    }
    return v;
  }

  boolean isConst(int i) {
    return in(i) instanceof Const;
  }

  Const constant(int i, String role) {
    Object v = in(i);
    if (v instanceof Const c) return c;
    throw new UnsupportedAttributeException(
        display(),
        opType(),
        role + " (input '" + proto.getInput(i) + "')",
        "an activation computed from the model input",
        "a constant (an initializer or a Constant node)");
  }

  /** A constant input that must hold exactly one value (Clip's min and max). */
  double scalarConstant(int i, String role) {
    float[] v = constant(i, role).asFloats();
    if (v.length == 1) return v[0];
    throw notOneValue(i, role, v.length);
  }

  /** A constant integer input that must hold exactly one value (a folded Slice's start, end and step). */
  long longConstant(int i, String role) {
    long[] v = constant(i, role).asLongs();
    if (v.length == 1) return v[0];
    throw notOneValue(i, role, v.length);
  }

  private UnsupportedAttributeException notOneValue(int i, String role, int values) {
    return new UnsupportedAttributeException(
        display(),
        opType(),
        role + " (input '" + proto.getInput(i) + "')",
        "a tensor of " + values + " values",
        "a single value");
  }

  Dyn activation(int i) {
    Object v = in(i);
    if (v instanceof Dyn d) return d;
    if (v instanceof Channels.Grouped gr) {
      throw new OnnxFormatException("ONNX node " + label() + " reads '" + proto.getInput(i)
          + "', a 5-D view [N, " + gr.groups() + ", "
          + gr.x().shape().channels() / gr.groups()
          + ", H, W] of a feature map; bitlab imports such views only as a channel shuffle "
          + "(Reshape, Transpose [0, 2, 1, 3, 4], Reshape back to N x C x H x W).");
    }
    throw new UnsupportedAttributeException(
        display(),
        opType(),
        "input '" + proto.getInput(i) + "'",
        "a constant " + ((Const) v).describe(),
        "an activation computed from the model input");
  }

  /** Requires a C x H x W feature map (not a vector, not the N x C x 1 x 1 output of GlobalAveragePool). */
  Dyn image(int i) {
    Dyn d = activation(i);
    if (!d.shape().isImage() || d.pooled()) {
      throw new OnnxFormatException(
          "ONNX node " + label() + " needs a feature map but its input '" + proto.getInput(i)
              + "' is "
              + (d.pooled()
                  ? "the " + d.shape().channels() + " x 1 x 1 output of a global pooling"
                  : "a vector of " + d.shape().channels() + " features")
              + "; bitlab's graph cannot express that.");
    }
    return d;
  }

  void out(Object v) {
    g.define(proto.getOutput(0), v);
  }

  /** Fails if an output beyond the first (an index, mask or training statistic) is used. */
  void onlyFirstOutputUsed() {
    for (int i = 1; i < proto.getOutputCount(); i++) {
      String o = proto.getOutput(i);
      if (!o.isEmpty() && g.uses(o) > 0) {
        throw new UnsupportedAttributeException(
            display(),
            opType(),
            "output " + (i + 1) + " ('" + o + "')",
            "used",
            "the first output in inference graphs");
      }
    }
  }
}
