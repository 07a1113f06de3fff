package bitlab.onnx;

import java.util.List;
import java.util.Random;
import onnx.Onnx.AttributeProto;
import onnx.Onnx.GraphProto;
import onnx.Onnx.ModelProto;
import onnx.Onnx.NodeProto;
import onnx.Onnx.OperatorSetIdProto;
import onnx.Onnx.TensorProto;
import onnx.Onnx.TensorShapeProto;
import onnx.Onnx.TypeProto;
import onnx.Onnx.ValueInfoProto;

/** Small hand-made ONNX graphs for tests: what PyTorch does not write, or writes only by accident. */
final class Graphs {
  private final GraphProto.Builder g = GraphProto.newBuilder().setName("test");
  private final int opset;
  private final Random rng = new Random(3);

  Graphs(int opset) {
    this.opset = opset;
  }

  Graphs input(String name, long... dims) {
    return typedInput(name, TensorProto.DataType.FLOAT_VALUE, dims);
  }

  Graphs typedInput(String name, int elemType, long... dims) {
    g.addInput(info(name, elemType, dims));
    return this;
  }

  Graphs output(String name) {
    g.addOutput(ValueInfoProto.newBuilder().setName(name));
    return this;
  }

  /** A float initializer of seeded random values. */
  Graphs weight(String name, long... dims) {
    TensorProto.Builder t =
        TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.FLOAT_VALUE);
    long n = 1;
    for (long d : dims) {
      t.addDims(d);
      n *= d;
    }
    for (long i = 0; i < n; i++) t.addFloatData((float) rng.nextGaussian() * 0.3f);
    g.addInitializer(t);
    return this;
  }

  Graphs floats(String name, long[] dims, float... v) {
    TensorProto.Builder t =
        TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.FLOAT_VALUE);
    for (long d : dims) t.addDims(d);
    for (float x : v) t.addFloatData(x);
    g.addInitializer(t);
    return this;
  }

  Graphs longs(String name, long... v) {
    TensorProto.Builder t = TensorProto.newBuilder()
        .setName(name)
        .setDataType(TensorProto.DataType.INT64_VALUE)
        .addDims(v.length);
    for (long x : v) t.addInt64Data(x);
    g.addInitializer(t);
    return this;
  }

  Graphs initializer(TensorProto t) {
    g.addInitializer(t);
    return this;
  }

  /** {@code y = Relu(Reshape(x, shape))}: puts a folded shape to use. */
  Graphs then(String shape) {
    return node("Reshape", "then", List.of("x", shape), "reshaped")
        .node("Relu", "relu", List.of("reshaped"), "y");
  }

  Graphs node(String op, String name, List<String> in, List<String> out, AttributeProto... attrs) {
    NodeProto.Builder n =
        NodeProto.newBuilder().setOpType(op).setName(name).addAllInput(in).addAllOutput(out);
    for (AttributeProto a : attrs) n.addAttribute(a);
    g.addNode(n);
    return this;
  }

  Graphs node(String op, String name, List<String> in, String out, AttributeProto... attrs) {
    return node(op, name, in, List.of(out), attrs);
  }

  static AttributeProto ints(String name, long... v) {
    AttributeProto.Builder a =
        AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS);
    for (long x : v) a.addInts(x);
    return a.build();
  }

  static AttributeProto integer(String name, long v) {
    return AttributeProto.newBuilder()
        .setName(name)
        .setType(AttributeProto.AttributeType.INT)
        .setI(v)
        .build();
  }

  /** A tensor attribute holding the initializer {@code initializer} of {@code g} (ConstantOfShape's value). */
  static AttributeProto tensor(String name, String initializer, Graphs g) {
    TensorProto t = g.g.getInitializerList().stream()
        .filter(i -> i.getName().equals(initializer))
        .findFirst()
        .orElseThrow();
    return AttributeProto.newBuilder()
        .setName(name)
        .setType(AttributeProto.AttributeType.TENSOR)
        .setT(t)
        .build();
  }

  static AttributeProto real(String name, float v) {
    return AttributeProto.newBuilder()
        .setName(name)
        .setType(AttributeProto.AttributeType.FLOAT)
        .setF(v)
        .build();
  }

  static AttributeProto text(String name, String v) {
    return AttributeProto.newBuilder()
        .setName(name)
        .setType(AttributeProto.AttributeType.STRING)
        .setS(org.nd4j.shade.protobuf.ByteString.copyFromUtf8(v))
        .build();
  }

  ModelProto model() {
    return ModelProto.newBuilder()
        .setIrVersion(7)
        .setProducerName("bitlab-tests")
        .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(opset))
        .setGraph(g)
        .build();
  }

  byte[] bytes() {
    return model().toByteArray();
  }

  private static ValueInfoProto info(String name, int elemType, long... dims) {
    TensorShapeProto.Builder s = TensorShapeProto.newBuilder();
    for (int i = 0; i < dims.length; i++) {
      if (dims[i] < 0) s.addDim(TensorShapeProto.Dimension.newBuilder().setDimParam("N"));
      else s.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(dims[i]));
    }
    TypeProto.Tensor t =
        TypeProto.Tensor.newBuilder().setElemType(elemType).setShape(s).build();
    return ValueInfoProto.newBuilder()
        .setName(name)
        .setType(TypeProto.newBuilder().setTensorType(t))
        .build();
  }
}
