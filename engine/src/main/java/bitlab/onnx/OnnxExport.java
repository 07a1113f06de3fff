package bitlab.onnx;

import bitlab.model.Model;
import bitlab.model.Node;
import bitlab.model.Op;
import bitlab.model.Shape;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import onnx.Onnx.AttributeProto;
import onnx.Onnx.GraphProto;
import onnx.Onnx.ModelProto;
import onnx.Onnx.NodeProto;
import onnx.Onnx.OperatorSetIdProto;
import onnx.Onnx.StringStringEntryProto;
import onnx.Onnx.TensorProto;
import onnx.Onnx.TensorShapeProto;
import onnx.Onnx.TypeProto;
import onnx.Onnx.ValueInfoProto;

/**
 * Writes a bitlab {@link Model} as an FP32 ONNX model (opset {@value #OPSET}) that ONNX Runtime runs
 * and {@link OnnxImport} reads back into an equal model. ONNX node and tensor names are bitlab's node
 * names, weights are initializers named by their parameter keys ({@code conv1.weight}), the batch
 * dimension is symbolic ({@code N}), and the model's metadata plus bitlab's provenance
 * ({@code bitlab.model}, {@code bitlab.version}, {@code bitlab.java}) go into {@code metadata_props}.
 */
public final class OnnxExport {
  public static final int OPSET = 13;
  /** ONNX IR version 7 is the one that introduced opset 13. */
  static final int IR_VERSION = 7;

  static final String META_PREFIX = "bitlab.";
  static final String META_MODEL = "bitlab.model";

  private OnnxExport() {}

  /** Writes the model to {@code path}, whole or not at all (a temporary file next to it, then an atomic rename). */
  public static void write(Model model, Path path) {
    checkWritable(path);
    writeWhole(toBytes(model), path);
  }

  /** Refuses, with a sentence, a path whose folder does not exist or that is a directory: call it before long work whose result goes there. */
  public static void checkWritable(Path path) {
    Path target = path.toAbsolutePath();
    Path dir = target.getParent();
    if (dir == null || !Files.isDirectory(dir)) {
      throw new OnnxFileException(
          "Cannot write '" + path + "': the folder '" + dir + "' does not exist; create it first.");
    }
    if (Files.isDirectory(target))
      throw new OnnxFileException(
          "Cannot write '" + path + "': it is a directory; give a file name such as model.onnx.");
  }

  /** Writes {@code bytes} to {@code path} whole or not at all ({@link bitlab.files.WholeFile}). */
  static void writeWhole(byte[] bytes, Path path) {
    checkWritable(path);
    try {
      bitlab.files.WholeFile.write(path, bytes);
    } catch (IOException e) {
      throw new OnnxFileException(
          "Could not write the ONNX file '" + path + "' (" + e.getClass().getSimpleName() + ": "
              + e.getMessage() + "); nothing was written.",
          e);
    }
  }

  /** The ONNX model as bytes. */
  public static byte[] toBytes(Model model) {
    return toProto(model).toByteArray();
  }

  /** The ONNX model as its protobuf message (for inspection and tests). */
  public static ModelProto toProto(Model model) {
    Set<String> taken = new HashSet<>(model.params().keySet());
    model.nodes().forEach(n -> taken.add(n.name()));
    GraphProto.Builder g = GraphProto.newBuilder().setName(model.name());
    Map<String, String> valueOf = new HashMap<>();
    Scalars scalars = new Scalars(g, taken);
    for (Node n : model.nodes()) {
      if (n.op() instanceof Op.Input) {
        g.addInput(valueInfo(n.name(), n.shape()));
        valueOf.put(n.name(), n.name());
        continue;
      }
      List<String> in = new ArrayList<>();
      for (String i : n.inputs()) in.add(valueOf.get(i));
      valueOf.put(n.name(), n.name());
      nodes(g, model, n, in, scalars, taken);
    }
    model.params().forEach((k, v) -> g.addInitializer(Tensors.floats(k, v)));
    Node out = model.output();
    g.addOutput(valueInfo(out.name(), out.shape()));

    ModelProto.Builder m = ModelProto.newBuilder()
        .setIrVersion(IR_VERSION)
        .setProducerName("bitlab")
        .setProducerVersion(version())
        .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET))
        .setGraph(g)
        .setDocString("bitlab model '" + model.name() + "', FP32");
    model.metadata().forEach((k, v) -> m.addMetadataProps(entry(k, v)));
    m.addMetadataProps(entry(META_MODEL, model.name()));
    m.addMetadataProps(entry("bitlab.version", version()));
    m.addMetadataProps(entry("bitlab.java", System.getProperty("java.version")));
    m.addMetadataProps(entry("bitlab.precision", "FP32"));
    return m.build();
  }

  /** The ONNX nodes for one bitlab node: one, except GlobalAvgPool (GlobalAveragePool, then Flatten to N x C). */
  static void nodes(
      GraphProto.Builder g,
      Model model,
      Node n,
      List<String> in,
      Scalars scalars,
      Set<String> taken) {
    Op op = n.op();
    String name = n.name();
    if (op instanceof Op.Conv2d c) {
      List<String> inputs = new ArrayList<>(List.of(in.get(0), n.param("weight")));
      if (c.bias()) inputs.add(n.param("bias"));
      g.addNode(node(
          "Conv",
          name,
          inputs,
          name,
          ints("kernel_shape", c.kernelH(), c.kernelW()),
          ints("strides", c.strideH(), c.strideW()),
          ints("pads", c.padH(), c.padW(), c.padH(), c.padW()),
          ints("dilations", c.dilationH(), c.dilationW()),
          integer("group", c.groups())));
    } else if (op instanceof Op.Linear l) {
      List<String> inputs = new ArrayList<>(List.of(in.get(0), n.param("weight")));
      if (l.bias()) inputs.add(n.param("bias"));
      g.addNode(node(
          "Gemm", name, inputs, name, real("alpha", 1f), real("beta", 1f), integer("transB", 1)));
    } else if (op instanceof Op.BatchNorm b) {
      g.addNode(node(
          "BatchNormalization",
          name,
          List.of(
              in.get(0),
              n.param("weight"),
              n.param("bias"),
              n.param("running_mean"),
              n.param("running_var")),
          name,
          real("epsilon", (float) b.epsilon()),
          real("momentum", (float) Attributes.oneMinus(b.momentum()))));
    } else if (op instanceof Op.Relu) {
      g.addNode(node("Relu", name, in, name));
    } else if (op instanceof Op.Relu6) {
      g.addNode(node("Clip", name, List.of(in.get(0), scalars.get(0f), scalars.get(6f)), name));
    } else if (op instanceof Op.Pointwise || op instanceof Op.Mul) {
      Elementwise.nodes(g, model, n, in, scalars, taken);
    } else if (op instanceof Op.ChannelShuffle s) {
      Shape x = n.shape();
      String grouped = fresh(name + ".grouped", taken);
      String moved = fresh(name + ".transposed", taken);
      g.addNode(node(
          "Reshape",
          fresh(name + ".group", taken),
          List.of(
              in.get(0),
              longs(
                  g,
                  name + ".shape5",
                  taken,
                  0,
                  s.groups(),
                  x.channels() / s.groups(),
                  x.height(),
                  x.width())),
          grouped));
      g.addNode(node(
          "Transpose",
          fresh(name + ".transpose", taken),
          List.of(grouped),
          moved,
          ints("perm", 0, 2, 1, 3, 4)));
      g.addNode(node(
          "Reshape",
          name,
          List.of(moved, longs(g, name + ".shape4", taken, 0, x.channels(), x.height(), x.width())),
          name));
    } else if (op instanceof Op.ChannelSlice s) {
      g.addNode(node(
          "Slice",
          name,
          List.of(
              in.get(0),
              longs(g, name + ".starts", taken, s.start()),
              longs(g, name + ".ends", taken, s.start() + s.count()),
              longs(g, name + ".axes", taken, 1)),
          name));
    } else if (op instanceof Op.Lrn l) {
      g.addNode(node(
          "LRN",
          name,
          in,
          name,
          integer("size", l.size()),
          real("alpha", (float) l.alpha()),
          real("beta", (float) l.beta()),
          real("bias", (float) l.bias())));
    } else if (op instanceof Op.Add) {
      g.addNode(node("Add", name, in, name));
    } else if (op instanceof Op.Concat) {
      g.addNode(node("Concat", name, in, name, integer("axis", 1)));
    } else if (op instanceof Op.MaxPool p) {
      Op.Window k = p.window();
      g.addNode(node(
          "MaxPool",
          name,
          in,
          name,
          ints("kernel_shape", k.kernelH(), k.kernelW()),
          ints("strides", k.strideH(), k.strideW()),
          ints("pads", k.padTop(), k.padLeft(), k.padBottom(), k.padRight())));
    } else if (op instanceof Op.AvgPool p) {
      Op.Window k = p.window();
      g.addNode(node(
          "AveragePool",
          name,
          in,
          name,
          ints("kernel_shape", k.kernelH(), k.kernelW()),
          ints("strides", k.strideH(), k.strideW()),
          ints("pads", k.padTop(), k.padLeft(), k.padBottom(), k.padRight()),
          integer("count_include_pad", 0)));
    } else if (op instanceof Op.GlobalAvgPool) {
      String pooled = fresh(name + ".nc11", taken);
      g.addNode(node("GlobalAveragePool", name, in, pooled));
      g.addNode(node(
          "Flatten", fresh(name + ".flatten", taken), List.of(pooled), name, integer("axis", 1)));
    } else if (op instanceof Op.Flatten) {
      g.addNode(node("Flatten", name, in, name, integer("axis", 1)));
    } else if (op instanceof Op.Softmax) {
      g.addNode(node("Softmax", name, in, name, integer("axis", 1)));
    } else {
      throw new OnnxException(
          "Node '" + name + "' (" + op.type() + ") has no ONNX export in bitlab yet.");
    }
  }

  /** Scalar initializers (the bounds of Clip), each written once. */
  static final class Scalars {
    private final GraphProto.Builder g;
    private final Set<String> taken;
    private final Map<Float, String> names = new HashMap<>();

    Scalars(GraphProto.Builder g, Set<String> taken) {
      this.g = g;
      this.taken = taken;
    }

    String get(float v) {
      return names.computeIfAbsent(v, x -> {
        String name = fresh(
            "const." + (x == Math.rint(x) ? String.valueOf((int) (float) x) : String.valueOf(x)),
            taken);
        g.addInitializer(Tensors.scalar(name, x));
        return name;
      });
    }
  }

  /** A fresh int64 vector initializer (shapes, axes, slice bounds); returns its name. */
  static String longs(GraphProto.Builder g, String base, Set<String> taken, long... v) {
    String name = fresh(base, taken);
    TensorProto.Builder t = TensorProto.newBuilder()
        .setName(name)
        .setDataType(TensorProto.DataType.INT64_VALUE)
        .addDims(v.length);
    for (long x : v) t.addInt64Data(x);
    g.addInitializer(t);
    return name;
  }

  static String fresh(String base, Set<String> taken) {
    String name = base;
    for (int i = 2; !taken.add(name); i++) name = base + "_" + i;
    return name;
  }

  static NodeProto node(
      String type, String name, List<String> inputs, String output, AttributeProto... attrs) {
    NodeProto.Builder b =
        NodeProto.newBuilder().setOpType(type).setName(name).addAllInput(inputs).addOutput(output);
    for (AttributeProto a : attrs) b.addAttribute(a);
    return b.build();
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

  static AttributeProto real(String name, float v) {
    return AttributeProto.newBuilder()
        .setName(name)
        .setType(AttributeProto.AttributeType.FLOAT)
        .setF(v)
        .build();
  }

  static ValueInfoProto valueInfo(String name, Shape shape) {
    TensorShapeProto.Builder s = TensorShapeProto.newBuilder()
        .addDim(TensorShapeProto.Dimension.newBuilder().setDimParam("N"));
    for (int d : shape.dims()) s.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(d));
    TypeProto.Tensor t = TypeProto.Tensor.newBuilder()
        .setElemType(TensorProto.DataType.FLOAT_VALUE)
        .setShape(s)
        .build();
    return ValueInfoProto.newBuilder()
        .setName(name)
        .setType(TypeProto.newBuilder().setTensorType(t))
        .build();
  }

  static StringStringEntryProto entry(String k, String v) {
    return StringStringEntryProto.newBuilder().setKey(k).setValue(v).build();
  }

  /** bitlab's version as every provenance line gives it ({@link bitlab.Version}). */
  static String version() {
    return bitlab.Version.current();
  }
}
