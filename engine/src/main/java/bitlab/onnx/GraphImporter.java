package bitlab.onnx;

import bitlab.model.Model;
import bitlab.model.ModelBuilder;
import bitlab.model.ModelException;
import bitlab.model.Op;
import bitlab.model.Shape;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import onnx.Onnx.GraphProto;
import onnx.Onnx.ModelProto;
import onnx.Onnx.NodeProto;
import onnx.Onnx.OperatorSetIdProto;
import onnx.Onnx.StringStringEntryProto;
import onnx.Onnx.TensorProto;
import onnx.Onnx.TensorShapeProto;
import onnx.Onnx.ValueInfoProto;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Turns one parsed ONNX model into a bitlab {@link Model}: walks the nodes in order, folds
 * constants (the shape arithmetic PyTorch emits around Reshape), maps each remaining node to a
 * bitlab operator, then keeps the nodes the output depends on.
 */
final class GraphImporter {
  static final int MIN_OPSET = 7;
  static final int MAX_OPSET = 21;

  /** An activation tensor: the bitlab node computing it, its per-image shape, and whether ONNX sees a vector as N x C x 1 x 1. */
  record Dyn(String node, Shape shape, boolean pooled) {
    long[] onnxShape() {
      int[] d = shape.dims();
      long[] s = new long[pooled ? 4 : d.length + 1];
      s[0] = Const.BATCH;
      for (int i = 0; i < d.length; i++) s[i + 1] = d[i];
      if (pooled) {
        s[2] = 1;
        s[3] = 1;
      }
      return s;
    }

    int onnxRank() {
      return pooled ? 4 : shape.rank() + 1;
    }
  }

  /** A bitlab node under construction (a later Add may still give a Linear its bias). */
  static final class Pending {
    final String name;
    Op op;
    final List<String> inputs;
    final Map<String, Const> params;
    /** The ONNX value this node computes; a constant scale or shift folded into it moves it to the folding node's output. */
    String onnxOutput;

    Pending(String name, Op op, List<String> inputs, Map<String, Const> params, String onnxOutput) {
      this.name = name;
      this.op = op;
      this.inputs = List.copyOf(inputs);
      this.params = new LinkedHashMap<>(params);
      this.onnxOutput = onnxOutput;
    }
  }

  private final ModelProto proto;
  private final String fallbackName;
  private final Path baseDir;
  private final Map<String, Object> values = new HashMap<>();
  private final Map<String, Integer> uses = new HashMap<>();
  private final List<Pending> pending = new ArrayList<>();
  private final Map<String, Pending> byName = new HashMap<>();
  private final Names names = new Names("input");
  private int opset;
  private long declaredBatch = -1;

  GraphImporter(ModelProto proto, String fallbackName, Path baseDir) {
    this.proto = proto;
    this.fallbackName = fallbackName;
    this.baseDir = baseDir;
  }

  int opset() {
    return opset;
  }

  long declaredBatch() {
    return declaredBatch;
  }

  Object value(String name) {
    return values.get(name);
  }

  int uses(String value) {
    return uses.getOrDefault(value, 0);
  }

  void define(String value, Object v) {
    values.put(value, v);
  }

  Pending producer(Dyn d) {
    return byName.get(d.node());
  }

  /** Appends a bitlab node for ONNX node {@code c}; its shape is inferred (and checked) at once. */
  Dyn emit(Call c, Op op, List<Dyn> in, Map<String, Const> params, boolean pooled) {
    String name = names.unique(c.proto());
    List<Shape> inShapes = in.stream().map(Dyn::shape).toList();
    Shape out;
    try {
      out = op.infer(name, inShapes);
    } catch (ModelException e) {
      throw new OnnxFormatException(
          "ONNX node " + c.label() + " does not fit bitlab's graph: " + e.getMessage(), e);
    }
    Pending p = new Pending(
        name, op, in.stream().map(Dyn::node).toList(), params, c.proto().getOutput(0));
    pending.add(p);
    byName.put(name, p);
    return new Dyn(name, out, pooled);
  }

  Model run() {
    opset = opset(proto);
    GraphProto g = proto.getGraph();
    for (TensorProto t : g.getInitializerList())
      values.put(t.getName(), Tensors.read(t, t.getName(), baseDir));
    for (NodeProto n : g.getNodeList()) {
      for (String in : n.getInputList()) if (!in.isEmpty()) uses.merge(in, 1, Integer::sum);
    }
    for (ValueInfoProto o : g.getOutputList()) uses.merge(o.getName(), 1, Integer::sum);

    // Caffe2's exports (the onnx package's light_*.onnx) also list as graph inputs the weights that
    // their ConstantOfShape nodes compute: a value some node produces is not an input.
    Set<String> produced = new HashSet<>();
    for (NodeProto n : g.getNodeList()) produced.addAll(n.getOutputList());
    List<ValueInfoProto> inputs = g.getInputList().stream()
        .filter(v -> !values.containsKey(v.getName()) && !produced.contains(v.getName()))
        .toList();
    if (inputs.size() != 1) {
      throw new OnnxFormatException(
          "The ONNX graph has " + inputs.size() + " inputs ("
              + String.join(", ", inputs.stream().map(ValueInfoProto::getName).toList())
              + "); bitlab imports models with exactly one input, a batch of images or feature vectors.");
    }
    if (g.getOutputCount() != 1) {
      throw new OnnxFormatException("The ONNX graph has " + g.getOutputCount() + " outputs ("
          + String.join(
              ", ", g.getOutputList().stream().map(ValueInfoProto::getName).toList())
          + "); bitlab imports models with exactly one output, the logits or probabilities.");
    }
    Shape inputShape = inputShape(inputs.get(0));
    values.put(inputs.get(0).getName(), new Dyn("input", inputShape, false));

    Converters converters = new Converters(this);
    List<NodeProto> nodes = g.getNodeList();
    for (int i = 0; i < nodes.size(); i++) converters.convert(new Call(this, nodes.get(i), i));

    String outName = g.getOutput(0).getName();
    Object out = values.get(outName);
    if (!(out instanceof Dyn d) || d.node().equals("input")) {
      throw new OnnxFormatException("The ONNX graph's output '" + outName + "' is "
          + (out == null
              ? "never computed"
              : out instanceof Const ? "a constant" : "its input unchanged")
          + "; bitlab imports graphs that compute their output from their input.");
    }
    return build(inputShape, d);
  }

  private Model build(Shape inputShape, Dyn out) {
    Set<String> live = new HashSet<>();
    Deque<String> worklist = new ArrayDeque<>(List.of(out.node()));
    while (!worklist.isEmpty()) {
      String n = worklist.pop();
      if (!live.add(n) || n.equals("input")) continue;
      worklist.addAll(byName.get(n).inputs);
    }
    Map<String, String> meta = new LinkedHashMap<>();
    String name = null;
    for (StringStringEntryProto e : proto.getMetadataPropsList()) {
      if (e.getKey().equals(OnnxExport.META_MODEL)) name = e.getValue();
      else if (!e.getKey().startsWith(OnnxExport.META_PREFIX)
          || e.getKey().equals(bitlab.data.Preprocessing.KEY)) {
        meta.put(
            e.getKey(),
            e.getValue()); // bitlab's export provenance is dropped; the model's preprocessing is
        // kept
      }
    }
    if (name == null || name.isBlank()) name = fallbackName;
    if (name == null || name.isBlank()) name = proto.getGraph().getName();
    if (name == null || name.isBlank()) name = "onnx-model";
    String producer = (proto.getProducerName() + " " + proto.getProducerVersion()).strip();
    meta.put("onnx.producer", producer.isEmpty() ? "unknown" : producer);
    meta.put("onnx.opset", String.valueOf(opset));

    ModelBuilder b = Model.builder(name, inputShape);
    Map<String, INDArray> params = new LinkedHashMap<>();
    for (Pending p : pending) {
      if (!live.contains(p.name)) continue;
      b.node(p.name, p.op, p.inputs);
      for (Map.Entry<String, Const> e : p.params.entrySet())
        params.put(p.name + "." + e.getKey(), e.getValue().toArray());
    }
    meta.forEach(b::meta);
    return b.build(params);
  }

  private Shape inputShape(ValueInfoProto in) {
    String what = "The ONNX graph's input '" + in.getName() + "'";
    if (!in.getType().hasTensorType())
      throw new OnnxFormatException(
          what + " is not a tensor; bitlab imports image or vector inputs.");
    int elem = in.getType().getTensorType().getElemType();
    if (elem != TensorProto.DataType.FLOAT_VALUE) {
      throw new OnnxFormatException(
          what + " has element type " + Tensors.typeName(elem) + "; bitlab imports FP32 models.");
    }
    List<TensorShapeProto.Dimension> dims =
        in.getType().getTensorType().getShape().getDimList();
    if (dims.size() != 4 && dims.size() != 2) {
      throw new OnnxFormatException(what + " has rank " + dims.size()
          + "; bitlab imports N x C x H x W images or N x F vectors.");
    }
    int[] d = new int[dims.size() - 1];
    for (int i = 1; i < dims.size(); i++) {
      TensorShapeProto.Dimension dim = dims.get(i);
      if (dim.getValueCase() != TensorShapeProto.Dimension.ValueCase.DIM_VALUE
          || dim.getDimValue() <= 0) {
        throw new OnnxFormatException(
            what + " has a variable dimension " + i + " ('" + dim.getDimParam()
                + "'); bitlab needs fixed channels, height and width: export with a fixed input size.");
      }
      d[i - 1] = Math.toIntExact(dim.getDimValue());
    }
    TensorShapeProto.Dimension batch = dims.get(0);
    if (batch.getValueCase() == TensorShapeProto.Dimension.ValueCase.DIM_VALUE)
      declaredBatch = batch.getDimValue();
    return d.length == 3 ? Shape.image(d[0], d[1], d[2]) : Shape.vector(d[0]);
  }

  private static int opset(ModelProto proto) {
    long v = -1;
    for (OperatorSetIdProto o : proto.getOpsetImportList()) {
      if (o.getDomain().isEmpty() || o.getDomain().equals("ai.onnx")) v = o.getVersion();
    }
    if (v < 0) v = proto.getIrVersion() <= 2 ? 1 : -1;
    if (v < MIN_OPSET || v > MAX_OPSET) {
      throw new OnnxFormatException("The ONNX model uses opset " + v
          + " of the default domain; bitlab imports opsets " + MIN_OPSET + " to " + MAX_OPSET
          + " (re-export it with, for example, opset_version=17).");
    }
    return (int) v;
  }
}
